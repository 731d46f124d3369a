"""The generator in one function: load the collection, check it, derive the indexes, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.derive import derive
from kb.load import load
from kb.model import Collection
from kb.problems import ContentError, Problem, errors
from kb.render import render_site
from kb.validate import check
from kb.write import WriteReport, write_pages

GENERATED_DIR = Path("docs") / "_generated"


@dataclass(frozen=True)
class Checked:
    collection: Collection
    warnings: tuple[Problem, ...]


def load_checked(root: Path) -> Checked:
    """The collection at ``root``, or :class:`ContentError` listing every error found."""
    loaded = load(root)
    problems = check(loaded)
    if errors(problems):
        raise ContentError(problems)
    return Checked(loaded.collection, tuple(problems))


def generate(root: Path, out_dir: Path | None = None) -> tuple[WriteReport, tuple[Problem, ...]]:
    """Build the generated Markdown of both languages under ``out_dir`` (``docs/_generated``)."""
    checked = load_checked(root)
    pages = render_site(derive(checked.collection))
    return write_pages(out_dir or root / GENERATED_DIR, pages), checked.warnings
