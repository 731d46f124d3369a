from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.site import MINI, ROOT


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of the small, valid fixture collection that a test may break."""
    root = tmp_path / "kb"
    shutil.copytree(MINI, root)
    return root


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built the way a reader's copy is: `kb build` (strict) into a folder of the test run."""
    out = tmp_path_factory.mktemp("site") / "site"
    subprocess.run([sys.executable, "-m", "kb", "build", "--site-dir", str(out)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return out


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session (Playwright's sync API allows one running instance per thread)."""
    from kb.tools.browser import CHROMIUM_ARGS, chromium_path

    path = chromium_path()
    if path is None:
        pytest.fail("chromium is not installed: run `make test` (it installs it), or apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
