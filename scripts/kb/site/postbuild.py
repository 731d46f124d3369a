"""What is done to a built site after MkDocs: every page's article sanitised, our search index, and
the pages pointed at our worker.

Files in, files out, over ``site/`` (Chinese at its root, English in ``en/``): it would run the same
after any renderer that writes Material's page shell.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from kb.derive.segment import Segmenter
from kb.search.index import write_index
from kb.search.worker import point_pages_at_our_worker
from kb.site.mkdocs import SUBDIR
from kb.site.sanitize import sanitize_site


def page_times(site_dir: Path) -> dict[Path, int]:
    """Every page under ``site_dir`` with its modification time (ns): taken before a dirty build, what
    :func:`finish` need not look at again."""
    return {path: path.stat().st_mtime_ns for path in site_dir.rglob("*.html")} if site_dir.is_dir() else {}


def finish(site_dir: Path, segmenter: Segmenter, boosts: Mapping[str, Mapping[str, float]],
           done: Mapping[Path, int] = {}) -> dict[str, int]:
    """Sanitise every page's article, index each language's pages and point them at our search worker;
    entries indexed per language (``boosts``: lang -> page URL -> search boost). `kb check` refuses
    what the sanitiser removes, so on a checked collection it removes nothing; what it does remove is
    reported. ``done`` (:func:`page_times` before a dirty build) names the pages
    finished already: those MkDocs left as they were are not sanitised or pointed again (the index
    is always made from every page)."""
    for page in sanitize_site(site_dir, done):
        print(f"kb build: sanitised {page.path}: removed {'; '.join(page.removed[:5])}", file=sys.stderr)
    entries = {}
    for lang, sub in SUBDIR.items():
        folder = site_dir / sub if sub else site_dir
        others = tuple(s for s in SUBDIR.values() if s and s != sub)
        entries[lang] = write_index(folder, segmenter, boosts.get(lang, {}), exclude=others)
        point_pages_at_our_worker(folder, exclude=others, done=done)
    return entries
