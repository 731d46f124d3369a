from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.memo import CACHE_ENV

from support.site import MINI, ROOT


@pytest.fixture(scope="session", autouse=True)
def carried_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """What `kb` carries from one process to the next (kb.memo) goes to a folder of the test run, not
    to the user's cache, for every test and every `kb` the tests start."""
    folder = tmp_path_factory.mktemp("carried")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A copy of the small, valid fixture collection that a test may break."""
    root = tmp_path / "kb"
    shutil.copytree(MINI, root)
    return root


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built the way CI does: generate, then `mkdocs build --strict` per language."""
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "kb", "generate"], cwd=ROOT, check=True)
    for config, target in (("mkdocs.yml", out), ("mkdocs.en.yml", out / "en")):
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", config,
                        "-d", str(target)], cwd=ROOT, check=True)
    return out
