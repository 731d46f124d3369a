"""Results carried from one pass of the generator to the next: within `kb serve`, and across processes.

While serving, every edit runs the generator again in the same process. Most of what it computes per
entry (links, keywords, search text) depends only on that entry and on a few things every entry shares
(the glossary, the labels). A :class:`Carry` hands back the previous pass's result for an equal key,
so an edit to one entry recomputes that entry. Keys are the inputs themselves, compared by value, so
a carried result is the one a fresh computation would give.

`kb check`, `kb generate` and `kb build` run in a new process each time; :func:`save` keeps what the
last pass carried in a file and :func:`restore` hands it to the next process (:func:`carried` does
both around a command), so that a build after an edit to one entry also recomputes that entry only.
Contexts and keys are compared by value for this reason (never an object's identity). The file is
valid only for the code that wrote it (``key``, see :func:`code_digest`), and it lives in the user's
cache folder, not in the project: it is a pickle, and a pickle must never come from a pull request.

A build after an edit to one entry computes a few results and reuses tens of thousands, so the file is
not written again whole: beside it, a second file holds what changed since it was written (the new
results, the values replaced), rewritten by each later process until it grows to a quarter of the
first, which is then written whole again (and the results no pass asked for since are dropped).

A full build builds English in a forked child (kb.site): what the child's carries computed comes back
to the parent (:func:`snapshot` before the fork, :func:`changes_since` in the child,
:func:`take_changes` in the parent), so that the parent saves one state, the state a build in one
process would have left.
"""

from __future__ import annotations

import gc
import hashlib
import io
import itertools
import os
import pickle
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

from kb import collector, forked

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
R = TypeVar("R")

_UNSET = object()
_ALL: dict[str, Carry | Latest | Table] = {}
# Saved states (and changes since) of carries not created yet in this process (some are made on first use).
_RESTORED: dict[str, tuple[tuple, tuple | None]] = {}
# Whether any carry computed a result since the last save or restore (else saving again is useless).
_computed = False
# The whole file this process's carries start from: its id and how many results it holds (None: none).
_base: tuple[str, int] | None = None
CACHE_ENV = "KB_CACHE_DIR"
FORMAT = 2
# The changes are written whole again (and the first file with them) once they are this share of it.
COMPACT_AT = 0.25
# What the generated pages are computed with, besides this package.
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jieba", "opencc", "pypinyin")


def forget() -> None:
    """Drop everything carried: the next pass computes all from scratch (as a new process would)."""
    global _base
    _RESTORED.clear()
    _base = None
    for item in _ALL.values():
        item.clear()


# Carries that hold what other carries' results refer to: the collection as read (entries, the glossary),
# each entry's links (which its pages' keys hold).
_SOURCES: set[str] = set()


def _register(name: str, item: Carry | Latest | Table) -> None:
    if name in _ALL:
        raise ValueError(f"two carries are named {name!r}")
    _ALL[name] = item
    if name in _RESTORED:
        state, changes = _RESTORED.pop(name)
        item.set_state(state)
        if changes is not None:
            item.apply(changes)


class Carry(Generic[K, V]):
    """Per-key results of the previous pass. A pass keeps only what it asked for, so memory stays that
    of one build; a pass with a different ``context`` (say, another glossary) starts empty. ``name``
    identifies the carry in a saved file. A ``source`` carry holds what other carries' results refer
    to, as the collection as read (:func:`changes_since`)."""

    def __init__(self, name: str, source: bool = False) -> None:
        self.clear()
        _register(name, self)
        if source:
            _SOURCES.add(name)

    def clear(self) -> None:
        self._context: object = _UNSET
        self._previous: dict[K, V] = {}
        self._current: dict[K, V] = {}
        self._whole = True  # nothing of it is in the saved file: all of it is a change
        self._added: dict[K, V] = {}  # else the results computed since the file was written

    def start(self, context: Hashable = None) -> None:
        """Begin a pass: what the last pass computed may be reused if ``context`` is equal to its own."""
        same = self._context is not _UNSET and self._context == context
        self._previous = self._current if same else {}
        self._current = {}
        self._context = context
        self._whole = self._whole or not same

    def has(self, key: K) -> bool:
        """Whether :meth:`get` would give ``key``'s result without computing it."""
        return key in self._current or key in self._previous

    def get(self, key: K, compute: Callable[[], V]) -> V:
        global _computed
        if key in self._current:
            return self._current[key]
        if key in self._previous:
            value = self._previous[key]
        else:
            value = compute()
            _computed = True
            if not self._whole:
                self._added[key] = value
        self._current[key] = value
        return value

    def state(self) -> tuple:
        """What the last pass holds: a later :meth:`start` with an equal context reuses it."""
        return (self._context, self._current)

    def set_state(self, state: tuple) -> None:
        """Hold ``state``, as saved in the file (no change since)."""
        self._context, self._current = state
        self._previous, self._whole, self._added = {}, False, {}

    def changes(self) -> tuple | None:
        """What :func:`_merged` needs to bring the saved state to this one (None: nothing)."""
        if self._whole:
            return ("carry", True, self._context, self._current)
        return ("carry", False, None, self._added) if self._added else None  # the saved context holds

    def apply(self, changes: tuple) -> None:
        """Hold the saved state with ``changes`` made since (they stay changes, to be saved again)."""
        _, whole, _, results = changes
        self.set_state(_merged(self.state(), changes))
        self._whole, self._added = whole, {} if whole else dict(results)

    @property
    def context(self) -> object:
        return self._context

    def _mark(self) -> tuple:
        return (self._current, len(self._current), self._context, self._whole, len(self._added))

    def _since(self, mark: tuple) -> tuple | None:
        current, size, context, whole, added = mark
        if (self._current is current and len(self._current) == size and self._context is context
                and self._whole == whole and len(self._added) == added):
            return None
        return (self._context, self._current, self._whole, self._added)

    def _take(self, sent: tuple) -> None:
        self._context, self._current, self._whole, self._added = sent
        self._previous = {}

    def _held(self) -> list:
        return _with_parts([*self._current, *self._current.values(), *self._previous, *self._previous.values()])


class Latest(Generic[V]):
    """The last result of a computation that updates its previous result instead of starting over
    (None before there is one). Saved whole whenever it is given another."""

    def __init__(self, name: str) -> None:
        self.clear()
        _register(name, self)

    @property
    def value(self) -> V | None:
        return self._value

    @value.setter
    def value(self, value: V | None) -> None:
        self._value, self._changed = value, True

    def clear(self) -> None:
        self.value = None

    def state(self) -> tuple:
        return (self._value,)

    def set_state(self, state: tuple) -> None:
        (self._value,), self._changed = state, False

    def changes(self) -> tuple | None:
        return ("latest", self._value) if self._changed else None

    def apply(self, changes: tuple) -> None:
        self.value = changes[1]

    def _mark(self) -> tuple:
        return (self._value,)

    def _since(self, mark: tuple) -> tuple | None:
        return None if self._value is mark[0] else (self._value,)

    def _take(self, sent: tuple) -> None:
        self.value = sent[0]

    def _held(self) -> list:
        return _with_parts([self._value])


class Table(Generic[K, V]):
    """A table of facts kept up to date entry by entry (what a file was last written with, the IDF of
    a word), carried as it is: entries are set and removed, never recomputed as a pass."""

    def __init__(self, name: str) -> None:
        self.clear()
        _register(name, self)

    def clear(self) -> None:
        self._entries: dict[K, V] = {}
        self._set: dict[K, V] = {}  # set since the file was written
        self._removed: set[K] = set()  # and removed since

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def __getitem__(self, key: K) -> V:
        return self._entries[key]

    def get(self, key: K) -> V | None:
        return self._entries.get(key)

    def items(self) -> Iterable[tuple[K, V]]:
        return self._entries.items()

    def __iter__(self) -> Iterator[K]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __setitem__(self, key: K, value: V) -> None:
        global _computed
        self._entries[key] = self._set[key] = value
        self._removed.discard(key)
        _computed = True

    def pop(self, key: K) -> None:
        global _computed
        if key in self._entries:
            del self._entries[key]
            self._set.pop(key, None)
            self._removed.add(key)
            _computed = True

    def state(self) -> tuple:
        return (self._entries,)

    def set_state(self, state: tuple) -> None:
        (self._entries,) = state
        self._set, self._removed = {}, set()

    def changes(self) -> tuple | None:
        return ("table", self._set, self._removed) if self._set or self._removed else None

    def apply(self, changes: tuple) -> None:
        _, entries, removed = changes
        self.set_state(_merged(self.state(), changes))
        self._set, self._removed = dict(entries), set(removed)

    def _mark(self) -> tuple:
        return (dict(self._set), set(self._removed))

    def _since(self, mark: tuple) -> tuple | None:
        before, removed = mark
        changed = {key: value for key, value in self._set.items() if before.get(key, _UNSET) is not value}
        gone = self._removed - removed
        return (changed, gone) if changed or gone else None

    def _take(self, sent: tuple, keep: Iterable[K] = ()) -> None:
        changed, gone = sent
        kept = set(keep)
        for key in gone - kept:
            self.pop(key)
        for key, value in changed.items():
            if key not in kept:
                self[key] = value

    def _held(self) -> list:
        return _with_parts([*self._entries, *self._entries.values()])


def _merged(state: tuple, changes: tuple) -> tuple:
    """A saved state with the changes saved after it (``changes()`` of a Carry, Latest or Table); the
    state's own dict is updated, it was read for this."""
    if changes[0] == "carry":
        _, whole, context, results = changes
        if whole:
            return (context, dict(results))
        state[1].update(results)
        return state
    if changes[0] == "table":
        _, entries, removed = changes
        for key in removed:
            state[0].pop(key, None)
        state[0].update(entries)
        return state
    return (changes[1],)


# The state of each kind of carry that holds nothing (changes made to it then come whole).
_EMPTY: dict[str, Callable[[], tuple]] = {"carry": lambda: (None, {}), "table": lambda: ({},),
                                          "latest": lambda: (None,)}


def _size(part: tuple | None) -> int:
    """About how many results a saved state or its changes hold (what the two files are weighed by)."""
    if part is None:
        return 0
    return sum(len(x) if isinstance(x, dict | set) else 0 for x in part) or 1


def code_digest() -> str:
    """A hash of the code that computes the generated pages: this package (wherever it is installed),
    the versions of the packages it uses, and Python's. Results saved by one process are valid in
    another only for the same code."""
    digest = hashlib.sha256(sys.version.encode())
    for package in PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=;".encode())
    here = Path(__file__).resolve().parent
    for path in sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_dir() -> Path:
    """Where `kb` keeps what it carries between processes: ``$KB_CACHE_DIR``, else the user's cache
    folder (``$XDG_CACHE_HOME`` or ``~/.cache``), under ``kb/``."""
    base = os.environ.get(CACHE_ENV) or str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb")
    return Path(base)


def cache_file(root: Path) -> Path:
    """Where the carried results of the project at ``root`` are kept: one file per project in
    :func:`cache_dir`."""
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"carried-{name}.pickle"


def changes_file(path: Path) -> Path:
    """Where the changes since ``path`` was written are kept, beside it."""
    return path.with_name(path.stem + ".changes" + path.suffix)


def _portable(context: object) -> bool:
    """Whether a carry's context means the same in another process (one that only this process knows,
    such as a function made on the fly, cannot be saved; keys and results are plain data)."""
    try:
        pickle.dumps(context)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def _savable_changes(item: Carry | Latest | Table) -> tuple | None:
    """``item.changes()``, unless they give a carry a context only this process knows (a new context
    must be portable to be saved or sent)."""
    part = item.changes()
    if part is None or (part[:2] == ("carry", True) and not _portable(part[2])):
        return None
    return part


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """What ``write`` writes to the file it is given, put at ``path`` atomically (a reader sees the
    old file or the new, whole); errors are the caller's."""
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as file:
            write(file)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _write(path: Path, content: tuple) -> None:
    """``content`` pickled to ``path``, atomically."""
    write_atomically(path, lambda file: pickle.dump(content, file, protocol=pickle.HIGHEST_PROTOCOL))


def save(path: Path, key: str) -> None:
    """Keep what every carry holds for the next process, marked with ``key``; nothing when no result
    was computed since the files were read (what they hold is then as good). The changes since the
    carries were read from ``path`` go to their own file (:func:`changes_file`), as long as they
    stay under ``COMPACT_AT`` of it; else ``path`` is written whole, in one piece, so that what the
    carries share (an entry, a text) is stored once. A failure to write costs only speed, so it is
    not an error."""
    global _computed, _base
    if not _computed and path.exists():
        return
    later = {name: pair for name, pair in _RESTORED.items() if name not in _ALL}  # carries not made here
    changes = {name: part for name, item in _ALL.items() if (part := _savable_changes(item)) is not None}
    changes.update({name: part for name, (_, part) in later.items() if part is not None})
    try:
        if _base is not None and path.exists() and sum(map(_size, changes.values())) <= COMPACT_AT * _base[1]:
            _write(changes_file(path), (FORMAT, key, _base[0], changes))
        else:
            items = {name: item for name, item in _ALL.items() if _portable(getattr(item, "context", None))}
            states = {name: _merged(*pair) if pair[1] is not None else pair[0] for name, pair in later.items()}
            states.update({name: item.state() for name, item in items.items()})
            identity, count = os.urandom(8).hex(), sum(map(_size, states.values()))
            _write(path, (FORMAT, key, identity, count, states))
            changes_file(path).unlink(missing_ok=True)
            for item in items.values():
                item.set_state(item.state())  # all saved: no change since
            _RESTORED.update({name: (states[name], None) for name in later})
            _base = (identity, count)
        _computed = False
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        pass


def _load(path: Path, key: str, size: int) -> tuple | None:
    """What ``path`` holds if it is a tuple of ``size`` written by this code (``key``), else None."""
    try:
        with path.open("rb") as file:
            content = pickle.load(file)
    except Exception:  # a missing, truncated or foreign file only means no head start
        return None
    if not isinstance(content, tuple) or len(content) != size or content[:2] != (FORMAT, key):
        return None
    return content


def restore(path: Path, key: str) -> bool:
    """Hand the carries what a process with the same ``key`` saved in ``path``, with the changes saved
    after it (when they were made to this very file); False (and nothing restored) when there is no
    such file, or it was written by other code, or it cannot be read.

    What is restored lives as long as the process, so the collector of reference cycles is kept out
    of it: paused while the file is read (millions of new objects would start a full collection
    several times over) and told afterwards to leave what exists now alone (``gc.freeze``); objects
    that lose their last reference are still freed at once."""
    global _base
    with collector.paused():
        saved = _load(path, key, 5)
        if saved is None or not isinstance(saved[4], dict):
            return False
        later = _load(changes_file(path), key, 4)
    _, _, identity, count, states = saved
    changes = later[3] if later is not None and later[2] == identity and isinstance(later[3], dict) else {}
    for name in changes.keys() - states.keys():  # carries first saved after the whole file was
        states[name] = _EMPTY[changes[name][0]]()
    for name, state in states.items():
        if name in _ALL:
            _ALL[name].set_state(state)
            if name in changes:
                _ALL[name].apply(changes[name])
        else:
            _RESTORED[name] = (state, changes.get(name))
    _base = (identity, count)
    gc.freeze()
    return True


@dataclass(frozen=True)
class Snapshot:
    """What every carry held when this process forked (:func:`snapshot`): a mark of each carry's state,
    to tell what changed since, and the results it held, which both processes keep alive."""

    marks: dict[str, tuple]
    held: dict[str, list]


def _with_parts(objects: Iterable[object]) -> list:
    """``objects`` and the items of each tuple among them: a carried key or result is often a tuple of
    the collection's own objects (an entry, its labels), which a child must not send back as copies."""
    held = []
    for obj in objects:
        held.append(obj)
        if type(obj) is tuple:
            held.extend(obj)
    return held


def snapshot() -> Snapshot:
    """Taken just before forking a child whose carried results must come back (:func:`changes_since`
    in the child, :func:`take_changes` here)."""
    return Snapshot({name: item._mark() for name, item in _ALL.items()},
                    {name: item._held() for name, item in _ALL.items()})


def changes_since(snap: Snapshot, extra: object = None) -> bytes:
    """In a child forked after ``snap``: what its carries computed or changed since, with ``extra``,
    as bytes for :func:`take_changes` in the parent. A result both processes held at the fork is sent
    as its number in ``snap`` (a rebuild's child hands back tens of thousands of results it reused)
    when a carry the child changed held it, or a source carry (the collection as read, which results
    refer to); everything else is pickled, an equal copy. Results are never changed once carried,
    which makes this sound. (Numbering what every carry held took 0.03 s of a build after an edit at
    N = 1,000, for 230,000 objects, of which the hand-back refers to some thousands.)"""
    changed = {name: sent for name, item in _ALL.items() if name in snap.marks
               and (sent := item._since(snap.marks[name])) is not None}
    new = {name: part for name, item in _ALL.items() if name not in snap.marks  # made after the fork
           and (part := _savable_changes(item)) is not None}
    numbers: dict[int, int] = {}
    start = 0
    for name, held in snap.held.items():  # numbered as take_changes numbers them
        if name in changed or name in _SOURCES:
            numbers.update(zip(map(id, held), range(start, start + len(held)), strict=True))
        start += len(held)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda obj: numbers.get(id(obj))  # type: ignore[method-assign]
    pickler.dump((changed, new, _computed, extra))
    return buffer.getvalue()


def take_changes(snap: Snapshot, data: bytes) -> object:
    """In the parent: the changes a child made since ``snap`` (:func:`changes_since`), taken into this
    process's carries; returns the child's ``extra``. What this process changed since ``snap`` too is
    kept as it is here (a carried result is as good from either process, and kb's two language builds
    change different carries and different entries of the tables they share)."""
    global _computed
    held = list(itertools.chain.from_iterable(snap.held.values()))  # numbered as changes_since does
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = held.__getitem__  # type: ignore[method-assign]
    with collector.paused():  # many objects, all of which live on (20 MB from nothing at N = 1,000)
        changed, new, computed, extra = unpickler.load()
    for name, sent in changed.items():
        item = _ALL[name]
        mine = item._since(snap.marks[name])
        if isinstance(item, Table):
            item._take(sent, keep=[*mine[0], *mine[1]] if mine else ())
        elif mine is None:
            item._take(sent)
    for name, part in new.items():
        # Made in the child only: kept as if read with the saved file's changes. Made after the fork
        # here too, it holds this process's own results, which stand: the child's are dropped (the
        # next pass computes them again), since what the two made from the same saved state cannot be
        # told apart from what each changed. The caller makes its carries before forking.
        if name not in _ALL:
            state = _RESTORED[name][0] if name in _RESTORED else _EMPTY[part[0]]()
            _RESTORED[name] = (state, part)
    _computed = _computed or computed
    return extra


def aside(theirs: Callable[[], T], mine: Callable[[], R]) -> tuple[R, tuple[T] | None]:
    """``mine()`` in this process while a child forked from it runs ``theirs()`` (kb.forked.aside):
    ``mine``'s result, and ``(theirs' result,)`` with what the child's carries computed taken into this
    process's (:func:`changes_since`, :func:`take_changes`), or None when the child failed, whose work
    is then the caller's to do. The caller checks kb.forked.can_fork first, and makes its carries
    before."""
    snap = snapshot()
    result, sent = forked.aside(lambda: changes_since(snap, theirs()), mine)
    return result, None if sent is None else (take_changes(snap, sent),)


@contextmanager
def carried(root: Path, fresh: bool = False) -> Iterator[None]:
    """Within, the carries start from what the last `kb` command on ``root`` saved, unless ``fresh``;
    afterwards, even after an error (results are kept by their inputs, so they hold whatever the
    outcome), what they hold is saved for the next one."""
    path, key = cache_file(root), code_digest()
    if not fresh:
        restore(path, key)
    try:
        yield
    finally:
        save(path, key)
