"""`make audit`: Lighthouse (npm lighthouse 12.2.3, tests/browser's lock file) on the zh home page, a zh
answer page and the English glossary, served on 127.0.0.1 from a fresh build, in Debian's Chromium.
Writes each page's HTML and JSON reports under --out (build/lighthouse/) and prints the four scores.
Optional: not part of `make test` (about a minute; scores vary with the machine's load)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from external_tools import INSTALL, LIGHTHOUSE, ROOT, build_site, chromium_path, serve

from kb.tools.browser import CHROMIUM_ARGS

PAGES = {"zh-home": "index.html", "zh-answer": "answers/naiyan-wang.html", "en-glossary": "en/glossary/index.html"}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lighthouse")
    parser.add_argument("--minimum", type=int, default=0, help="exit 1 if a score is below (default: report only)")
    args = parser.parse_args()
    chromium = chromium_path()
    for missing, what in ((chromium is None, "chromium"), (not LIGHTHOUSE.is_file(), "lighthouse")):
        if missing:
            print(INSTALL[what], file=sys.stderr)
            return 1
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    site = build_site(out / "site")
    low = []
    with serve(site) as base:
        for name, path in PAGES.items():
            subprocess.run([str(LIGHTHOUSE), f"{base}/{path}", "--quiet", "--output=json", "--output=html",
                            f"--output-path={out / name}", f"--only-categories={','.join(CATEGORIES)}",
                            f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
                           check=True, env={"CHROME_PATH": chromium, "PATH": "/usr/bin:/bin"})
            result = json.loads((out / f"{name}.report.json").read_text(encoding="utf-8"))
            scores = {c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES}
            print(f"{name:12} {path:28} " + "  ".join(f"{c} {s}" for c, s in scores.items()))
            for c, s in scores.items():
                if s < 100:
                    refs = [r["id"] for r in result["categories"][c]["auditRefs"] if r.get("weight")]
                    failing = [result["audits"][r]["title"] for r in refs
                               if (result["audits"][r].get("score") is not None and result["audits"][r]["score"] < 0.9)]
                    print(f"    {c} below 100: {'; '.join(failing) or '(metrics)'}")
                if s < args.minimum:
                    low.append(f"{name} {c} {s}")
    print(f"reports: {out}/<page>.report.html")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
