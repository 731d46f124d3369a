from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
MINI = Path(__file__).parent / "fixtures" / "mini"


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


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(site: Path, lang: str, url: str) -> BeautifulSoup:
    """The built page at ``url`` (like ``answers/naiyan-wang/``) in ``lang``."""
    base = site if lang == "zh" else site / "en"
    return soup(base / url / "index.html")


def article(doc: BeautifulSoup):
    return doc.select_one("article.md-content__inner")
