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


def finish(site_dir: Path, segmenter: Segmenter,
           boosts: Mapping[str, Mapping[str, float]]) -> dict[str, int]:
    """Sanitise every page's article, index each language's pages and point them at our search worker;
    entries indexed per language (``boosts``: lang -> page URL -> search boost). `kb check` refuses
    what the sanitiser removes, so on a checked collection it removes nothing; what it does remove is
    reported."""
    for page in sanitize_site(site_dir):
        print(f"kb build: sanitised {page.path}: removed {'; '.join(page.removed[:5])}", file=sys.stderr)
    entries = {}
    for lang, sub in SUBDIR.items():
        folder = site_dir / sub if sub else site_dir
        others = tuple(s for s in SUBDIR.values() if s and s != sub)
        entries[lang] = write_index(folder, segmenter, boosts.get(lang, {}), exclude=others)
        point_pages_at_our_worker(folder, exclude=others)
    return entries
