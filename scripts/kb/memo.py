"""Results carried from one pass of the generator to the next, for `kb serve`.

While serving, every edit runs the generator again in the same process. Most of what it computes per
entry (links, keywords, search text) depends only on that entry and on a few things every entry shares
(the glossary, the labels). A :class:`Carry` hands back the previous pass's result for an equal key,
so an edit to one entry recomputes that entry. Keys are the inputs themselves, compared by value, so
a carried result is the one a fresh computation would give.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_UNSET = object()
_ALL: list[Carry | Latest] = []


def forget() -> None:
    """Drop everything carried: the next pass computes all from scratch (as a new process would)."""
    for item in _ALL:
        item.clear()


class Carry(Generic[K, V]):
    """Per-key results of the previous pass. A pass keeps only what it asked for, so memory stays that
    of one build; a pass with a different ``context`` (say, another glossary) starts empty."""

    def __init__(self) -> None:
        self.clear()
        _ALL.append(self)

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
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else compute()
        self._current[key] = value
        return value


class Latest(Generic[V]):
    """The last result of a computation that updates its previous result instead of starting over."""

    def __init__(self) -> None:
        self.value: V | None = None
        _ALL.append(self)

    def clear(self) -> None:
        self.value = None
