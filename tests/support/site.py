"""Paths and HTML helpers shared by the tests (conftest.py holds only fixtures)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "mini"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page(site: Path, lang: str, name: str) -> BeautifulSoup:
    """The built page ``name`` in ``lang``: ``answers/naiyan-wang`` is answers/naiyan-wang.html,
    a section such as ``answers`` its index.html (the site does not use directory URLs)."""
    base = site if lang == "zh" else site / "en"
    path = base / name / "index.html" if (base / name).is_dir() else base / f"{name}.html"
    return soup(path)


def article(doc: BeautifulSoup):
    return doc.select_one("article.md-content__inner")


def own_text(doc: BeautifulSoup, lang: str):
    """An answer's body in the page's language only: the parallel view's other column removed."""
    body = article(doc).select_one(".kb-body")
    for other in body.select(f".kb-text:not([lang={lang}])"):
        other.decompose()
    return body


def real_project(tmp_path: Path) -> Path:
    """A project with the real site configuration and a copy of the real collection, which a test may edit."""
    content = tmp_path / "content"
    for folder in ("answers", "glossary"):
        shutil.copytree(ROOT / folder, content / folder)
    return project_with(tmp_path, content)


def project_with(tmp_path: Path, content: Path) -> Path:
    """A project with the real site configuration and the given collection."""
    project = tmp_path / "project"
    shutil.copytree(content, project)
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "docs", project / "docs", ignore=shutil.ignore_patterns("dev"))
    return project
