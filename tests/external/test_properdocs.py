"""ProperDocs (PyPI properdocs 1.6, the maintained fork of MkDocs) builds the same site: the same HTML
files in both languages, and each page's <article> with the same text as the MkDocs build's.

How it is built (to be aligned with the CLI, which is being restructured):
1. `python -m kb build --site-dir B --renderer properdocs`, if `python -m kb build --help` offers
   `--renderer`;
2. otherwise (today) `python -m kb generate`, then `properdocs build --strict -f mkdocs.yml -d B` and
   `properdocs build --strict -f mkdocs.en.yml -d B/en`, run from the repository root.
The MkDocs side is the session's `python -m kb build --site-dir A` (the built_site fixture).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from external_tools import ROOT, build_site, html_pages, require, tool


def _article_text(path: Path) -> str:
    article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article")
    return re.sub(r"\s+", " ", article.get_text(" ")).strip() if article else ""


def build_with_properdocs(out: Path) -> str:
    """Build both languages with ProperDocs into ``out``; returns how, for the report."""
    help_text = subprocess.run([sys.executable, "-m", "kb", "build", "--help"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout
    if "--renderer" in help_text:
        build_site(out, "--renderer", "properdocs")
        return "kb build --renderer properdocs"
    properdocs = tool("properdocs")
    require(properdocs, "properdocs")
    subprocess.run([sys.executable, "-m", "kb", "generate"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    for config, target in (("mkdocs.yml", out), ("mkdocs.en.yml", out / "en")):
        subprocess.run([properdocs, "build", "--strict", "--quiet", "-f", config, "-d", str(target)], cwd=ROOT,
                       check=True)
    return "kb generate + properdocs build -f mkdocs.yml / mkdocs.en.yml"


def test_properdocs_builds_the_same_pages_as_mkdocs(built_site: Path, tmp_path: Path, report) -> None:
    out = tmp_path / "properdocs-site"
    how = build_with_properdocs(out)
    mkdocs_pages = [p.relative_to(built_site) for p in html_pages(built_site)]
    properdocs_pages = [p.relative_to(out) for p in html_pages(out)]
    assert properdocs_pages == mkdocs_pages
    different = [str(p) for p in mkdocs_pages if _article_text(built_site / p) != _article_text(out / p)]
    report["properdocs"] = (f"built by `{how}`: {len(properdocs_pages)} pages, same files as MkDocs; "
                            f"{len(mkdocs_pages) - len(different)} articles with the same text")
    assert different == []
