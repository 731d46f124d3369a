"""linkchecker (PyPI linkchecker 10.6) over the site served on 127.0.0.1: no broken internal link and no
missing anchor, in either language. External URLs are not checked at all (no network): every URL
outside the local server is ignored, and checkextern is off."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

from external_tools import LANGS, html_pages, require, serve, tool

CONFIG = """\
[checking]
threads=4
timeout=30
maxrequestspersecond=1000
[filtering]
checkextern=0
[AnchorCheck]
"""


def test_no_broken_internal_link_or_anchor(built_site: Path, tmp_path: Path, report) -> None:
    linkchecker = tool("linkchecker")
    require(linkchecker, "linkchecker")
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG, encoding="utf-8")
    with serve(built_site, linkchecker=True) as base:
        # Every page is a start URL, so a page no link reaches is checked too; linkchecker then
        # follows every link it finds on the server.
        starts = [f"{base}/{p.relative_to(built_site).as_posix()}" for p in html_pages(built_site)]
        run = subprocess.run([linkchecker, "-f", str(config), "--no-status", "--no-robots", "-o", "csv",
                              "--verbose", "--ignore-url", f"^(?!{re.escape(base)}/)", *starts],
                             capture_output=True, text=True, check=False)
    rows = list(csv.DictReader(io.StringIO("\n".join(line for line in run.stdout.splitlines()
                                                        if not line.startswith("#"))), delimiter=";"))
    assert rows, f"linkchecker reported nothing (exit {run.returncode}):\n{run.stderr[-2000:]}"
    local = [r for r in rows if r["url"].startswith(base + "/")]
    broken = [f"{r['parentname'] or '(start)'} -> {r['urlname']}: {r['result']}" for r in local if r["valid"] != "True"]
    anchors = [f"{r['parentname']} -> {r['urlname']}: {r['warningstring']}" for r in local
               if "anchor" in r["warningstring"].lower()]
    pages = {r["url"].split("#")[0] for r in local}
    with_anchor = sum(1 for r in local if "#" in r["url"])
    report["linkchecker"] = (f"{len(local)} local URLs checked ({with_anchor} with an anchor) on {len(pages)} "
                             f"distinct resources, {len(rows) - len(local)} external URLs ignored; "
                             f"{len(broken)} broken, {len(anchors)} missing anchors")
    assert broken == [] and anchors == []
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    for lang, prefix in LANGS.items():  # both languages were crawled
        assert any(u.startswith(f"{base}/{prefix}answers/") for u in pages), lang
