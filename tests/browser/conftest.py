"""Browser tests: the built site served on 127.0.0.1 and driven in Debian's headless Chromium.

Without Chromium these tests are skipped on a developer's machine but fail under CI (CI=true),
where `.ci/run` installs it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb.tools.browser import serve_directory

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def _require(condition: bool, why: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{why} (CI must install it: see .ci/run)")
        pytest.skip(why)


@pytest.fixture(scope="session")
def base_url(site: Path):
    with serve_directory(site) as url:
        yield url


class Watched:
    """A page plus what it did: console errors, uncaught exceptions, hosts it asked for."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.hosts: set[str] = set()
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        page.on("request", self._request)

    def _request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss"):
            self.hosts.add(parts.hostname or "")


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(page)
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE.is_file(), "axe-core is not installed (npm install --prefix tests/browser)")
    return AXE.read_text(encoding="utf-8")
