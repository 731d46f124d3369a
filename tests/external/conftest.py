"""External validators over the built site of both languages: linkchecker, the Nu HTML checker,
axe-core in Chromium, the Atom feeds, the sitemap and page metadata, and a ProperDocs build.

The site is built once per session by `python -m kb build --site-dir DIR` (not taken from site/) and
served on 127.0.0.1 by a server of our own. A missing tool fails the test that needs it with one line
saying how to install it; `make test` installs them all first. What each checker found is summed up at
the end of the run (`external checks:` in pytest's summary).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from external_tools import AXE, build_site, require, serve

REPORT: dict[str, str] = {}  # checker -> one line of figures, printed at the end of the session


@pytest.fixture(scope="session")
def report() -> dict[str, str]:
    return REPORT


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if REPORT:
        terminalreporter.section("external checks")
        for name, line in sorted(REPORT.items()):
            terminalreporter.write_line(f"{name}: {line}")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both languages, built once for every external check of the session."""
    return build_site(tmp_path_factory.mktemp("external") / "site")


@pytest.fixture(scope="session")
def served(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium(browser):
    """The session's Chromium (tests/conftest.py)."""
    return browser


@pytest.fixture(scope="session")
def axe_source() -> str:
    require(AXE.is_file(), "axe")
    return AXE.read_text(encoding="utf-8")
