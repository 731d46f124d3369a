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
    """The real site, built the way CI does: generate, then `mkdocs build --strict` per language."""
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "kb", "generate"], cwd=ROOT, check=True)
    for config, target in (("mkdocs.yml", out), ("mkdocs.en.yml", out / "en")):
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", config,
                        "-d", str(target)], cwd=ROOT, check=True)
    return out
