"""Headless Chromium, a static server and `kb serve` on 127.0.0.1, shared by `kb bench` and the tests."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """Debian's chromium (or $KB_CHROMIUM); Playwright cannot download browsers here."""
    candidate = os.environ.get("KB_CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


class _QuietHandler(SimpleHTTPRequestHandler):
    # Connections kept alive and small writes sent at once, as static hosts serve: over HTTP/1.0 each
    # request opened a connection, and with Nagle's algorithm a kept one waited for a delayed ACK.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: tuple) -> None:
        # A browser that closes a page or a connection mid-response is not an error of the site; any
        # other failure still prints its traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_directory(directory: Path, headers: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) for the duration, adding ``headers`` to every
    response; yields the base URL."""
    extra = dict(headers or {})

    class Handler(_QuietHandler):
        def end_headers(self) -> None:
            for name, value in extra.items():
                self.send_header(name, value)
            super().end_headers()

    handler = functools.partial(Handler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetch(url: str, timeout: float = 120) -> str:
    return urllib.request.urlopen(url, timeout=timeout).read().decode("utf-8")


@contextlib.contextmanager
def kb_serve(project: Path, log: Path, page: str, timeout: float = 120, options: Sequence[str] = ()) -> Iterator[str]:
    """`kb serve` (with ``options``) for ``project`` on a free port of 127.0.0.1, its output in ``log``;
    yields the base URL once the first build serves ``page``, and stops the server afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--root", str(project),
                                    "--dev-addr", f"127.0.0.1:{port}", *options], stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fetch(f"{base}/{page}", timeout)
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("kb serve did not start:\n" + log.read_text("utf-8")[-2000:]) from None
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()  # the server saves what it carries (kb.memo), then stops
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def reload_after(base: str, page: str, edit: Callable[[], object], timeout: float = 120) -> tuple[float, str]:
    """Make ``edit`` while ``page`` is open, as a browser waits for it: the seconds until the server's
    live-reload signal (the rebuild is visible), and the page fetched again then."""
    found = re.search(r"livereload\((\d+), (\d+)\)", fetch(f"{base}/{page}", timeout))
    if found is None:
        raise RuntimeError("kb serve did not inject its live-reload script")
    time.sleep(1)  # the file watcher polls: give it a state to compare the edit with
    started = time.perf_counter()
    edit()
    fetch(f"{base}/livereload/{found[1]}/{found[2]}", timeout)  # answers when the rebuild is visible
    elapsed = time.perf_counter() - started
    return elapsed, fetch(f"{base}/{page}", timeout)


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
