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
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_UNSET = object()
_ALL: dict[str, Carry | Latest] = {}
# Saved states of carries not created yet in this process (some are made on first use).
_RESTORED: dict[str, tuple] = {}
# Whether any carry computed a result since the last save or restore (else saving again is useless).
_computed = False
CACHE_ENV = "KB_CACHE_DIR"
FORMAT = 1
# What the generated pages are computed with, besides this package.
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jieba", "opencc", "pypinyin")


def forget() -> None:
    """Drop everything carried: the next pass computes all from scratch (as a new process would)."""
    _RESTORED.clear()
    for item in _ALL.values():
        item.clear()


def _register(name: str, item: Carry | Latest) -> None:
    if name in _ALL:
        raise ValueError(f"two carries are named {name!r}")
    _ALL[name] = item
    if name in _RESTORED:
        item.set_state(_RESTORED.pop(name))


class Carry(Generic[K, V]):
    """Per-key results of the previous pass. A pass keeps only what it asked for, so memory stays that
    of one build; a pass with a different ``context`` (say, another glossary) starts empty. ``name``
    identifies the carry in a saved file."""

    def __init__(self, name: str) -> None:
        self.clear()
        _register(name, self)

    def clear(self) -> None:
        self._context: object = _UNSET
        self._previous: dict[K, V] = {}
        self._current: dict[K, V] = {}

    def start(self, context: Hashable = None) -> None:
        """Begin a pass: what the last pass computed may be reused if ``context`` is equal to its own."""
        same = self._context is not _UNSET and self._context == context
        self._previous = self._current if same else {}
        self._current = {}
        self._context = context

    def get(self, key: K, compute: Callable[[], V]) -> V:
        global _computed
        if key in self._current:
            return self._current[key]
        if key in self._previous:
            value = self._previous[key]
        else:
            value = compute()
            _computed = True
        self._current[key] = value
        return value

    def state(self) -> tuple:
        """What the last pass holds: a later :meth:`start` with an equal context reuses it."""
        return (self._context, self._current)

    def set_state(self, state: tuple) -> None:
        self._context, self._current = state
        self._previous = {}


class Latest(Generic[V]):
    """The last result of a computation that updates its previous result instead of starting over.
    ``empty`` makes what it holds before anything is carried (a table that only grows), else None."""

    def __init__(self, name: str, empty: Callable[[], V] | None = None) -> None:
        self._empty = empty
        self.clear()
        _register(name, self)

    def clear(self) -> None:
        self.value: V | None = self._empty() if self._empty else None

    def state(self) -> tuple:
        return (self.value,)

    def set_state(self, state: tuple) -> None:
        (self.value,) = state


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


def cache_file(root: Path) -> Path:
    """Where the carried results of the project at ``root`` are kept: in ``$KB_CACHE_DIR``, else the
    user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``), under ``kb/``, one file per project."""
    base = os.environ.get(CACHE_ENV) or str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kb")
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / f"carried-{name}.pickle"


def _portable(state: tuple) -> bool:
    """Whether a carry's context means the same in another process (one that only this process knows,
    such as a function made on the fly, cannot be saved; keys and results are plain data)."""
    try:
        pickle.dumps(state[0] if len(state) > 1 else None)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def save(path: Path, key: str) -> None:
    """Write what every carry holds to ``path`` (atomically), marked with ``key``; nothing when no
    result was computed since the file was read (what it holds is then as good). The carries are
    saved in one piece, so that what they share (an entry, a text) is stored once. A failure to write
    costs only speed, so it is not an error."""
    global _computed
    if not _computed and path.exists():
        return
    states = {name: state for name, state in _RESTORED.items() if name not in _ALL}
    states.update({name: item.state() for name, item in _ALL.items()})
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as file:
            pickle.dump((FORMAT, key, {name: state for name, state in states.items() if _portable(state)}), file,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        _computed = False
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        temporary.unlink(missing_ok=True)


def restore(path: Path, key: str) -> bool:
    """Hand the carries what a process with the same ``key`` saved in ``path``; False (and nothing
    restored) when there is no such file, or it was written by other code, or it cannot be read.

    What is restored lives as long as the process, so the collector of reference cycles is kept out
    of it: paused while the file is read (millions of new objects would start a full collection
    several times over) and told afterwards to leave what exists now alone (``gc.freeze``); objects
    that lose their last reference are still freed at once."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as file:
            saved_format, saved_key, states = pickle.load(file)
        if saved_format != FORMAT or saved_key != key or not isinstance(states, dict):
            return False
    except Exception:  # a missing, truncated or foreign file only means no head start
        return False
    finally:
        if collecting:
            gc.enable()
    for name, state in states.items():
        if name in _ALL:
            _ALL[name].set_state(state)
        else:
            _RESTORED[name] = state
    gc.freeze()
    return True


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
