"""The staging docs folders MkDocs renders: ``build/docs/<lang>/``.

Each holds the language's hand-written pages (``docs/<lang>/``, copied) and the generated ones, as
plain Markdown: the site's configs point ``docs_dir`` here, so MkDocs (or ProperDocs) needs no hook
and no plugin of ours to find a page.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from kb.content.problems import ContentError, Problem
from kb.render.pages import Page

STAGING = Path("build") / "docs"
HAND_WRITTEN = Path("docs")


def symlinks(root: Path, folder: Path = HAND_WRITTEN) -> list[Problem]:
    """A problem for each symbolic link under ``folder`` (``docs/``: the hand-written pages and the
    theme overrides, which MkDocs copies into the site): a link could publish a file from outside
    the repository. Links to folders are not followed."""
    problems = []
    for current, dirs, names in os.walk(root / folder):
        for name in sorted(dirs + names):
            path = Path(current, name)
            if path.is_symlink():
                problems.append(Problem(path.relative_to(root).as_posix(), 1, "file",
                                        "is a symbolic link; commit the file itself, inside the repository"))
    return problems


def hand_written(root: Path, lang: str) -> dict[str, bytes]:
    """The language's own pages and files under ``docs/<lang>/``, by relative path. Raises
    :class:`ContentError` if anything under ``docs/`` is a symbolic link."""
    problems = symlinks(root)
    if problems:
        raise ContentError(problems)
    folder = root / HAND_WRITTEN / lang
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def staged(root: Path, lang: str, pages: Iterable[Page]) -> dict[str, bytes]:
    """What ``build/docs/<lang>/`` must hold: the hand-written files and the generated pages."""
    files = hand_written(root, lang)
    clashes = []
    for page in pages:
        if page.path in files:
            clashes.append(Problem(f"{HAND_WRITTEN.as_posix()}/{lang}/{page.path}", 1, "file",
                                   "has the path of a generated page; rename the hand-written page"))
        files[page.path] = page.data
    if clashes:
        raise ContentError(clashes)
    return files
