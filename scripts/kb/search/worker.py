"""Every built page's search box pointed at our worker instead of Material's.

Material writes its config into each page: ``<script id="__config" type="application/json">{...,
"search": "../assets/javascripts/workers/search.<hash>.min.js", ...}</script>``, the worker path
relative to the page. :func:`point_pages_at_our_worker` puts ``assets/javascripts/workers/kb-search.js``
(docs/overrides/assets/javascripts/workers/kb-search.js) in its place, the relative prefix kept.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

WORKER = "assets/javascripts/workers/kb-search.js"
_CONFIG = re.compile(r'<script id="__config"[^>]*>(.*?)</script>', re.S)
_SEARCH = re.compile(r'("search":\s*")([^"]*?)(assets/javascripts/workers/(?:search\.[0-9a-f]+\.min|kb-search)\.js)"')


def use_our_worker(page: str) -> str:
    """``page`` with its ``__config`` naming our worker; a page without ``__config`` as it is.
    Raises ValueError when the config names neither Material's worker nor ours where expected."""
    config = _CONFIG.search(page)
    if config is None:
        return page
    found = _SEARCH.search(config[1])
    if found is None:
        raise ValueError("Material's __config no longer names its search worker where expected "
                         f"(\"search\": \".../assets/javascripts/workers/search.<hash>.min.js\"): {config[1][:200]}")
    if found[3] == WORKER:
        return page
    start = config.start(1) + found.start(3)
    return page[:start] + WORKER + page[start + len(found[3]):]


def point_pages_at_our_worker(site_dir: Path, exclude: Sequence[str] = (), done: Mapping[Path, int] = {}) -> int:
    """Point every HTML page under ``site_dir`` (but the top-level folders named in ``exclude``) at
    our worker, writing only the pages that change; returns how many were written. ``done`` (page ->
    modification time, in ns) names pages pointed already: those still as they were are skipped."""
    written = 0
    for path in sorted(site_dir.rglob("*.html")):
        if path.relative_to(site_dir).parts[0] in exclude or (path in done and path.stat().st_mtime_ns == done[path]):
            continue
        page = path.read_text(encoding="utf-8")
        try:
            changed = use_our_worker(page)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        if changed != page:
            path.write_text(changed, encoding="utf-8")
            written += 1
    return written
