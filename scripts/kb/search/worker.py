"""Every built page's search box pointed at our worker instead of Material's.

Material writes its config into each page: ``<script id="__config" type="application/json">{...,
"search": "../assets/javascripts/workers/search.<hash>.min.js", ...}</script>``, the worker path
relative to the page. :func:`use_our_worker` (run on every page by kb.site.postbuild) puts
``assets/javascripts/workers/kb-search.js`` (docs/overrides/assets/javascripts/workers/kb-search.js)
in its place, the relative prefix kept.
"""

from __future__ import annotations

import re

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
