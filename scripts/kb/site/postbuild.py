"""What is done to a built site after MkDocs: every page's article sanitised, its shell pointed at
our search worker and given its Content-Security-Policy, and our search index made.

Files in, files out, over ``site/`` (Chinese at its root, English in ``en/``): it would run the same
after any renderer that writes Material's page shell.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

from kb.derive.segment import Segmenter
from kb.search.index import site_entries, write_index
from kb.search.worker import use_our_worker
from kb.site.mkdocs import SUBDIR
from kb.site.sanitize import Sanitized, describe, sanitize_page, with_policy


def page_times(site_dir: Path) -> dict[Path, int]:
    """Every page under ``site_dir`` with its modification time (ns): taken before a dirty build, what
    :func:`finish` need not look at again."""
    return {path: path.stat().st_mtime_ns for path in site_dir.rglob("*.html")} if site_dir.is_dir() else {}


def finish_pages(site_dir: Path, done: Mapping[Path, int] = {}) -> list[Sanitized]:
    """Each page under ``site_dir``: its article sanitised, its ``__config`` naming our worker, its
    policy in its head; written only if that changes it. ``done`` (:func:`page_times` before a dirty
    build) names pages finished already, skipped while they are as they were. Returns the pages the
    sanitiser changed, with what it removed."""
    sanitized = []
    for path in sorted(site_dir.rglob("*.html")):
        if path.is_symlink() or (path in done and path.stat().st_mtime_ns == done[path]):
            continue
        html = path.read_text(encoding="utf-8")
        new, gone = sanitize_page(html)
        if gone:
            sanitized.append(Sanitized(path.relative_to(site_dir).as_posix(), tuple(describe(x) for x in gone)))
        try:
            new = with_policy(use_our_worker(new))
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        if new != html:
            path.write_text(new, encoding="utf-8")
    return sanitized


def finish(site_dir: Path, segmenter: Segmenter, boosts: Mapping[str, Mapping[str, float]],
           done: Mapping[Path, int] = {}) -> dict[str, int]:
    """:func:`finish_pages`, then each language's search index (``boosts``: lang -> page URL -> search
    boost), always made from every page; returns the entries indexed per language. `kb check`
    refuses what the sanitiser removes, so on a checked collection it removes nothing; what it does
    remove is reported."""
    for page in finish_pages(site_dir, done):
        print(f"kb build: sanitised {page.path}: removed {'; '.join(page.removed[:5])}", file=sys.stderr)
    folders = {lang: site_dir / sub if sub else site_dir for lang, sub in SUBDIR.items()}
    found = {lang: site_entries(folder, segmenter, boosts.get(lang, {}),
                                exclude=tuple(s for s in SUBDIR.values() if s and s != SUBDIR[lang]))
             for lang, folder in folders.items()}
    pair = {lang: next(other for other in found if other != lang) for lang in found}  # zh <-> en
    return {lang: write_index(folder, found[lang], found[pair[lang]], boosts.get(lang, {}))
            for lang, folder in folders.items()}
