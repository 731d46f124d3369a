"""jieba's dictionary, read whole, or only where the texts being cut need it.

jieba reads its whole dictionary (half a million words and their prefixes) before it cuts a single
character: about half a second, a fifth of a rebuild after one edit at N = 1,000, which cuts one
paragraph. Every lookup jieba makes while cutting a text (``get_DAG``, ``calc``, the check before its
HMM, ``suggest_freq`` when a word is added) is of a piece of that text, so it starts with one of the
text's characters. So the dictionary is also kept in buckets by first character (:func:`buckets_file`,
in the user's cache folder, written the first time a process reads it whole), and a tokenizer can
start with :class:`Words` instead of the whole table: a mapping that reads the bucket of a
character the first time a word starting with it is looked up. Once it has read a good part of the
buckets (a build from nothing cuts everything), it reads the rest and gives the tokenizer a plain
``dict``, the same table jieba would have built, so the hot loops run at full speed again.

Either way the tokenizer sees the same words with the same frequencies, so it cuts the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
from array import array
from collections.abc import Callable, Iterator
from functools import cache
from importlib import metadata
from itertools import pairwise
from pathlib import Path
from typing import BinaryIO, TypeVar

from kb import forked
from kb._jieba import jieba
from kb.memo import Table, cache_dir, write_atomically

R = TypeVar("R")

BUCKETS = 4096  # a word's bucket is its first character's code point modulo this
PROMOTE_AT = BUCKETS // 8  # buckets read one by one before the rest are read at once
FORMAT = 2


@cache
def whole() -> tuple[dict[str, int], int]:
    """jieba's dictionary (word frequencies, prefixes at 0, and their total) as jieba reads it, read
    once per process; also written in buckets for later processes, if they are not there yet."""
    tk = jieba.Tokenizer()
    tk.initialize()
    if _read_buckets() is None:
        _write_buckets(tk.FREQ, tk.total)
    return tk.FREQ, tk.total


def meanwhile(work: Callable[[], R]) -> R:
    """``work()``, while a child forked from this process writes the buckets if they are not there
    yet: a build from nothing reads jieba's whole dictionary and writes the buckets (0.6 s), then
    cuts every text, and loading and checking the collection (0.5 s at N = 1,000) need not wait for
    it. The child is asked once per process, and only where it can be (kb.forked.can_fork); it is
    left to finish if ``work`` raises. This process's tokenizers then read all the buckets at once
    (:func:`fresh`): with none written before, there was nothing carried either, and every text will
    be cut."""
    global _asked, _all_wanted
    if _asked or whole.cache_info().currsize or not forked.can_fork() or _read_buckets() is not None:
        return work()
    _asked = True

    def write() -> bytes:
        whole()  # writes the buckets
        return b""

    try:
        return forked.aside(write, work, patient=True)[0]
    finally:
        _read_buckets.cache_clear()  # this process found none before the child wrote them
        _all_wanted = _read_buckets()


_asked = False
_all_wanted: tuple | None = None  # the buckets written by meanwhile()'s child, which fresh() reads whole


@cache
def _source_key() -> str:
    """What the buckets were made from: jieba's version and its dictionary file, by size and time."""
    path = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    stat = path.stat()
    text = f"{FORMAT};{metadata.version('jieba')};{path.resolve()};{stat.st_size};{stat.st_mtime_ns}"
    return hashlib.sha256(text.encode()).hexdigest()


def buckets_file() -> Path:
    return cache_dir() / "jieba-dictionary.marshal"


class Buckets:
    """The marshalled buckets in the file, each read from it (mapped into memory) when asked for: a
    build after an edit reads some 150 of the 4,096, and reading all 9 MB took 0.01 s."""

    def __init__(self, data: mmap.mmap, offsets: array, start: int) -> None:
        self._data, self._offsets, self._start = data, offsets, start

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, bucket: int) -> bytes:
        return self._data[self._start + self._offsets[bucket]:self._start + self._offsets[bucket + 1]]

    def __iter__(self) -> Iterator[bytes]:
        return (self[bucket] for bucket in range(len(self)))


# The file: this mark, the source key (64 characters), the total and the offset of each bucket (and of
# the end) as unsigned 64-bit numbers in this machine's byte order (the file is this machine's cache),
# then the buckets, each marshalled.
_MARK = b"kb jieba buckets\n"
_HEADER = len(_MARK) + 64 + 8 * (BUCKETS + 2)


@cache
def _read_buckets() -> tuple[int, Buckets, dict[int, dict[str, int]]] | None:
    """The total and the marshalled buckets, if the file holds those of jieba's current dictionary,
    with a table for the buckets decoded so far: every tokenizer of the process shares it (kb.terms'
    and jieba's own, which each language's build teaches the same words, read mostly the same
    buckets: some 150 for the words, a tenth of a millisecond each to decode)."""
    try:
        with buckets_file().open("rb") as file:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (which cannot be mapped)
        return None
    if len(data) < _HEADER or data[:len(_MARK)] != _MARK or data[len(_MARK):len(_MARK) + 64] != _source_key().encode():
        return None
    numbers = array("Q")
    numbers.frombytes(data[len(_MARK) + 64:_HEADER])
    total, offsets = numbers[0], numbers[1:]
    if offsets[0] != 0 or offsets[-1] != len(data) - _HEADER or any(a > b for a, b in pairwise(offsets)):
        return None
    return total, Buckets(data, offsets, _HEADER), {}


def _write_buckets(freq: dict[str, int], total: int) -> None:
    """The dictionary split by first character, each bucket marshalled on its own, written atomically.
    A failure to write costs only speed, so it is not an error."""
    parts: list[dict[str, int]] = [{} for _ in range(BUCKETS)]
    for word, count in freq.items():
        parts[ord(word[0]) % BUCKETS][word] = count
    encoded = [marshal.dumps(part) for part in parts]
    numbers = array("Q", [total, 0])
    for part in encoded:
        numbers.append(numbers[-1] + len(part))

    def write(file: BinaryIO) -> None:
        file.write(_MARK + _source_key().encode() + numbers.tobytes())
        for part in encoded:
            file.write(part)

    with contextlib.suppress(OSError):
        write_atomically(buckets_file(), write)
    _read_buckets.cache_clear()


@cache
def _merged(parts: Buckets) -> dict[str, int]:
    """The buckets as one table, merged once per process: every tokenizer that reads the rest copies
    it (the glossary's and jieba's own each did the merge, 0.15 s, when a build cut everything)."""
    table: dict[str, int] = {}
    for part in parts:
        table.update(marshal.loads(part))
    return table


class Words:
    """jieba's word table for one tokenizer, read bucket by bucket as the words are looked up: what
    ``tokenizer.FREQ`` needs to be (``in``, ``[]``, ``get``, and setting a word, as ``add_word``
    does). After ``PROMOTE_AT`` buckets it reads the rest and sets ``tokenizer.FREQ`` to the whole
    table, with the words set here, as a plain dict."""

    def __init__(self, tokenizer: jieba.Tokenizer, parts: Buckets, decoded: dict[int, dict[str, int]]) -> None:
        self._tokenizer = tokenizer
        self._parts = parts
        self._decoded = decoded  # bucket -> its words, shared with the process's other tokenizers (never changed)
        self._known: dict[str, int] = {}  # the buckets read so far, with the words set since
        self._set: dict[str, int] = {}  # the words set (added or changed)
        self._read: set[int] = set()
        self._whole: dict[str, int] | None = None  # the whole table, once promoted

    def _words(self, word: str) -> dict[str, int]:
        """A table that holds ``word`` if the dictionary (with the words set) does."""
        if self._whole is not None:
            return self._whole
        bucket = ord(word[0]) % BUCKETS
        if bucket not in self._read:
            if len(self._read) >= PROMOTE_AT:
                return self.promote()
            self._read.add(bucket)
            words = self._decoded.get(bucket)
            if words is None:
                words = self._decoded[bucket] = marshal.loads(self._parts[bucket])
            self._known.update(words)  # words are set only once their bucket is in
        return self._known

    def promote(self) -> dict[str, int]:
        """The whole table (as jieba builds it, with the words set here), now the tokenizer's."""
        if self._whole is None:
            table = dict(_merged(self._parts))
            table.update(self._set)
            self._whole = self._tokenizer.FREQ = table
        return self._whole

    def __contains__(self, word: str) -> bool:
        return word in self._words(word)

    def __getitem__(self, word: str) -> int:
        return self._words(word)[word]

    def get(self, word: str, default: int | None = None) -> int | None:
        return self._words(word).get(word, default)

    def __setitem__(self, word: str, count: int) -> None:
        self._set[word] = count
        self._words(word)[word] = count

    @property
    def buckets_read(self) -> int:
        return len(self._read)


def fresh(tk: jieba.Tokenizer) -> jieba.Tokenizer:
    """``tk`` with jieba's dictionary as its own ``initialize()`` leaves it, whatever it was taught
    before: a copy of the whole table if this process has read it (a copy takes a hundredth of the
    time), else read bucket by bucket as it is used (when the buckets are there), else the whole
    table, read now."""
    with tk.lock:
        saved = None if whole.cache_info().currsize else _read_buckets()
        if saved is None:
            freq, total = whole()
            tk.FREQ, tk.total = dict(freq), total
        else:
            total, parts, decoded = saved
            tk.FREQ, tk.total = Words(tk, parts, decoded), total
            if saved is _all_wanted:  # written meanwhile (:func:`meanwhile`): all of it will be read
                tk.FREQ.promote()
        tk.initialized = True
    return tk


# The frequencies jieba suggested for words taught to a fresh tokenizer (:func:`taught`), by the words in
# the order taught, for the last few lists taught; carried to the next process (kb.memo).
_SUGGESTED: Table[tuple[str, ...], tuple[int, ...]] = Table("dictionary.suggested")
KEEP_SUGGESTED = 4


def taught(tk: jieba.Tokenizer, words: tuple[str, ...]) -> jieba.Tokenizer:
    """``tk``, :func:`fresh`, taught ``words`` in order, as ``add_word`` teaches them.

    ``add_word`` without a frequency cuts the word to suggest one (``suggest_freq``), from the words
    taught before it: 45 ms for the collection's words, in every process, twice (kb.terms and the
    search index each have a tokenizer). The suggestions depend only on jieba's dictionary and the
    words taught before, so the same words in the same order get the same ones: they are carried,
    and a later process teaches each word with its frequency, which leaves the same tokenizer."""
    fresh(tk)
    known = _SUGGESTED.get(words)
    if known is not None:
        for word, frequency in zip(words, known, strict=True):
            tk.add_word(word, frequency)
        return tk
    suggested = []
    for word in words:
        tk.add_word(word)
        suggested.append(tk.FREQ[word])
    for stale in list(_SUGGESTED)[:max(0, len(_SUGGESTED) - KEEP_SUGGESTED + 1)]:
        _SUGGESTED.pop(stale)
    _SUGGESTED[words] = tuple(suggested)
    return tk
