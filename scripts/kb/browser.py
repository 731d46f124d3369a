"""Headless Chromium and a static server on 127.0.0.1, shared by `kb bench` and the browser tests."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """Debian's chromium (or $KB_CHROMIUM); Playwright cannot download browsers here."""
    candidate = os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A Playwright browser on Debian's chromium; raises RuntimeError if it is not installed."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium is not installed (Debian: apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def search(page, query: str) -> list[str]:
    """Type ``query`` into Material's search box and return the result links, best first.

    The box is cleared first and the placeholder awaited, so that the results read afterwards
    belong to this query and not the previous one.
    """
    box = page.locator(".md-search__input")
    placeholder = page.evaluate("JSON.parse(document.getElementById('__config').textContent)"
                                ".translations['search.result.placeholder']")
    box.click()
    box.fill("")
    box.press("End")
    page.wait_for_function("p => document.querySelector('.md-search-result__meta').textContent.trim() === p",
                           arg=placeholder)
    box.fill(query)
    box.press("End")
    page.wait_for_function("p => document.querySelector('.md-search-result__meta').textContent.trim() !== p",
                           arg=placeholder)
    return page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link",
                                     "links => links.map(a => a.href)")
