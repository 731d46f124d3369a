"""Paths and HTML helpers shared by the tests (conftest.py holds only fixtures)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(site: Path, lang: str, url: str) -> BeautifulSoup:
    """The built page at ``url`` (like ``answers/naiyan-wang/``) in ``lang``."""
    base = site if lang == "zh" else site / "en"
    return soup(base / url / "index.html")


def article(doc: BeautifulSoup):
    return doc.select_one("article.md-content__inner")
