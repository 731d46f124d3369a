"""What is done to a built site after MkDocs: our search index, and the pages pointed at our worker.

Files in, files out, over ``site/`` (Chinese at its root, English in ``en/``): it would run the same
after any renderer that writes Material's page shell.
"""

from __future__ import annotations

from pathlib import Path

from kb.derive.segment import Segmenter
from kb.search.index import write_index
from kb.search.worker import point_pages_at_our_worker
from kb.site.mkdocs import SUBDIR


def finish(site_dir: Path, segmenter: Segmenter) -> dict[str, int]:
    """Index each language's pages and point them at our search worker; entries indexed per language."""
    entries = {}
    for lang, sub in SUBDIR.items():
        folder = site_dir / sub if sub else site_dir
        others = tuple(s for s in SUBDIR.values() if s and s != sub)
        entries[lang] = write_index(folder, segmenter, exclude=others)
        point_pages_at_our_worker(folder, exclude=others)
    return entries
