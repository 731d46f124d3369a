"""The generator in one function: load the collection, check it, derive the indexes, render, write."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kb import collector, forked, memo
from kb.derive.indexes import Indexes, collation_keys, derive
from kb.dictionary import meanwhile
from kb.content.load import load
from kb.content.model import LANGS, Collection
from kb.content.problems import ContentError, Problem, errors
from kb.render.pages import page_paths, render_site
from kb.content.validate import check
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
    with collector.paused():  # what is loaded lives as long as the pass (kb.collector)
        loaded = load(root)
        problems = check(loaded)
    if errors(problems):
        raise ContentError(problems)
    checked = Checked(loaded.collection, tuple(problems))
    _checked[key] = (state, checked)
    return checked


def load_to_derive(root: Path) -> Checked:
    """:func:`load_checked`, for a command that derives the indexes next: a child makes jieba's
    dictionary ready meanwhile (kb.dictionary.meanwhile), while this process loads the collection and
    computes its glossary's collation keys."""
    def load_and_collate() -> Checked:
        checked = load_checked(root)
        collation_keys(checked.collection.terms)
        return checked

    return meanwhile(load_and_collate)


def _scan(root: Path) -> tuple:
    found = []
    for folder in ("answers", "glossary"):
        for path, dirs, files in os.walk(root / folder):
            dirs.sort()
            for name in files:
                stat = os.stat(os.path.join(path, name))
                found.append((Path(path, name).as_posix(), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


# Roots inside one_pass(): their state as read on entry, and a number for the pass.
_pinned: dict[Path, tuple[tuple, int]] = {}
_passes = 0


@contextmanager
def one_pass(root: Path) -> Iterator[None]:
    """Within, the sources' state is read once, on entry: `kb build` and `kb serve` generate, then each
    language's hooks ask for the collection again, and a scan of every source file per question costs
    more than the answer. An edit saved meanwhile is seen by the next pass (`kb serve` starts one for it)."""
    global _passes
    key = root.resolve()
    _passes += 1
    _pinned[key] = (_scan(root), _passes)
    try:
        yield
    finally:
        del _pinned[key]


def source_state(root: Path) -> tuple:
    """Name, size and modification time of every source file: equal states mean equal sources."""
    pinned = _pinned.get(root.resolve())
    return pinned[0] if pinned else _scan(root)


_derived: dict[Path, tuple[Collection, Indexes]] = {}


def derived(root: Path) -> Indexes:
    """The indexes of the collection at ``root``, remembered while it is the same collection."""
    with collector.paused():  # what is derived lives as long as the pass (kb.collector)
        collection, key = load_to_derive(root).collection, root.resolve()
        if key not in _derived or _derived[key][0] is not collection:
            _derived[key] = (collection, derive(collection))
        return _derived[key][1]


# The last generation in this process: `kb build` generates, then each language's MkDocs hook asks
# again; with the sources unchanged and the output intact there is nothing to redo. Within one pass,
# the output is taken as intact too, for the languages generated in that pass. (The state is None
# after a generation of one language: only the pass counts then.)
@dataclass(frozen=True)
class _Generated:
    state: tuple | None  # the sources' state and the pages written, as generate() compares them
    in_pass: int
    warnings: tuple[Problem, ...]
    langs: frozenset[str]  # the languages generated in that pass
    pages: int


_last: dict[Path, _Generated] = {}


def files_under(folder: str | Path, hidden_folders: bool = True) -> list[str]:
    """The files under ``folder``, as relative paths with ``/``, unsorted; without what hidden folders
    hold unless ``hidden_folders``. (Joined as strings: pathlib's objects cost more than the walk, and
    a language's generated folder holds 15,000 files at N = 10,000.)"""
    found = []
    for path, dirs, files in os.walk(folder):
        if not hidden_folders:
            dirs[:] = [name for name in dirs if not name.startswith(".")]
        base = os.path.relpath(path, folder).replace(os.sep, "/")
        found += files if base == "." else [f"{base}/{name}" for name in files]
    return found


def outputs(out_dir: Path) -> tuple[str, ...]:
    """The generated files under ``out_dir``, as sorted relative paths."""
    return tuple(sorted(files_under(out_dir)))


def expected_outputs(root: Path) -> tuple[str, ...]:
    """What :func:`outputs` will list once both languages are generated: known before rendering a page."""
    paths = page_paths(derived(root))
    return tuple(sorted(f"{lang}/{path}" for lang in LANGS for path in paths))


def generate(root: Path, out_dir: Path | None = None,
             langs: tuple[str, ...] = LANGS) -> tuple[WriteReport, tuple[Problem, ...]]:
    """Build the generated Markdown of ``langs`` (both languages) under ``out_dir`` (``docs/_generated``),
    each in its own folder; a full build at once generates each language in the process that builds
    it (kb.site.generate_and_build)."""
    out_dir = (out_dir or root / GENERATED_DIR).resolve()
    pinned = _pinned.get(root.resolve())
    this_pass = pinned[1] if pinned else 0  # 0: outside one_pass(), never equal to a pass's number
    last = _last.get(out_dir)
    earlier = last if this_pass and last and last.in_pass == this_pass else None  # in this pass
    if earlier and earlier.langs >= set(langs):
        return WriteReport((), earlier.pages, ()), earlier.warnings
    whole = langs == LANGS
    state = (source_state(root), outputs(out_dir)) if whole else None  # only a whole generation keeps it
    if state and last and last.state == state:
        _last[out_dir] = _Generated(state, this_pass, last.warnings, frozenset(LANGS), len(state[1]))
        return WriteReport((), len(state[1]), ()), last.warnings
    with collector.paused():
        ix = derived(root)  # loads and checks the collection first
        checked = load_checked(root)
        if len(langs) > 1 and forked.can_fork():
            # The other languages in a forked child, at once (half a second each from nothing at N = 1,000).
            (report, pages), sent = memo.aside(lambda: _written(ix, out_dir, langs[1:]),
                                               lambda: _written(ix, out_dir, langs[:1]))
            theirs = sent[0] if sent is not None else _written(ix, out_dir, langs[1:])
            report, pages = report + theirs[0], pages + theirs[1]
        else:
            report, pages = _written(ix, out_dir, langs)
    _last[out_dir] = _Generated((state[0], tuple(sorted(pages))) if state else None, this_pass, checked.warnings,
                                frozenset(langs) | (earlier.langs if earlier else frozenset()),
                                len(pages) + (earlier.pages if earlier else 0))
    return report, checked.warnings


def _written(ix: Indexes, out_dir: Path, langs: tuple[str, ...]) -> tuple[WriteReport, tuple[str, ...]]:
    """The pages of ``langs`` rendered and written (those of other languages left as they are): what
    was written, and the pages' paths."""
    pages = render_site(ix, langs)
    return write_pages(out_dir, pages, keep=tuple(lang for lang in LANGS if lang not in langs)), tuple(pages)
