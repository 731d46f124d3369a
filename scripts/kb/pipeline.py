"""The generator in one function: load the collection, check it, derive the indexes, render, write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.derive import Indexes, derive
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


_checked: dict[Path, tuple[tuple, Checked]] = {}


def load_checked(root: Path) -> Checked:
    """The collection at ``root``, or :class:`ContentError` listing every error found.

    Remembered for the life of the process while the sources are unchanged: `kb build` and each
    language's hooks ask for the same collection.
    """
    key, state = root.resolve(), source_state(root)
    if key in _checked and _checked[key][0] == state:
        return _checked[key][1]
    loaded = load(root)
    problems = check(loaded)
    if errors(problems):
        raise ContentError(problems)
    checked = Checked(loaded.collection, tuple(problems))
    _checked[key] = (state, checked)
    return checked


def source_state(root: Path) -> tuple:
    """Name, size and modification time of every source file: equal states mean equal sources."""
    files = sorted(p for folder in ("answers", "glossary") for p in (root / folder).rglob("*") if p.is_file())
    return tuple((p.as_posix(), stat.st_size, stat.st_mtime_ns) for p in files for stat in [p.stat()])


_derived: dict[Path, tuple[Collection, Indexes]] = {}


def derived(root: Path) -> Indexes:
    """The indexes of the collection at ``root``, remembered while it is the same collection."""
    collection, key = load_checked(root).collection, root.resolve()
    if key not in _derived or _derived[key][0] is not collection:
        _derived[key] = (collection, derive(collection))
    return _derived[key][1]


# The last generation in this process: `kb build` generates, then each language's MkDocs hook asks
# again; with the sources unchanged and the output intact there is nothing to redo.
_last: dict[Path, tuple[tuple, tuple[Problem, ...]]] = {}


def outputs(out_dir: Path) -> tuple[str, ...]:
    """The generated files under ``out_dir``, as sorted relative paths."""
    return tuple(sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()))


def generate(root: Path, out_dir: Path | None = None) -> tuple[WriteReport, tuple[Problem, ...]]:
    """Build the generated Markdown of both languages under ``out_dir`` (``docs/_generated``)."""
    out_dir = (out_dir or root / GENERATED_DIR).resolve()
    state = (source_state(root), outputs(out_dir))
    if out_dir in _last and _last[out_dir][0] == state:
        return WriteReport((), len(state[1]), ()), _last[out_dir][1]
    checked = load_checked(root)
    pages = render_site(derived(root))
    report = write_pages(out_dir, pages)
    _last[out_dir] = ((state[0], outputs(out_dir)), checked.warnings)
    return report, checked.warnings
