"""Pure-Python work shared with a forked copy of this process, on a machine with two cores or more.

jieba cuts Chinese in pure Python on one core: a build from nothing at N = 1,000 spends about 1.8 s
on it while the other core waits. :func:`shared_map` gives every second item to a child forked from
this process (it inherits the tokenizer and everything else already in memory, so it starts at
once), works through the rest itself, then takes the child's results back through a pipe, in order.
:func:`aside` is the same for two different pieces of work (kb.site builds English in a child while
this process builds Chinese).

It is careful to be an optimisation only: the results are those of ``[function(x) for x in items]``
whatever happens. It works alone when there is too little to share, one core, no ``fork`` (only
Linux forks here: macOS's system libraries are not fork-safe), or another thread running (a fork
copies only the calling thread, and a lock another thread holds would stay held in the child). If
the child fails, is killed, or sends something unreadable, this process does the child's share
itself. The child never returns into the caller's code: it leaves with ``os._exit``, running no
``atexit`` handler and flushing no buffer of its parent's.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and cores() >= 2 and threading.active_count() == 1


def shared_map(function: Callable[[T], R], items: Sequence[T], worth: bool = True,
               pack: Callable[[T, R], object] | None = None,
               unpack: Callable[[T, object], R] | None = None) -> list[R]:
    """``[function(x) for x in items]``, every second item computed by a forked child when ``worth``
    (the caller's judgement that the work outweighs a fork, about 20 ms for a large process) and
    :func:`can_fork`. The child sends ``pack(item, result)`` (the result itself if no ``pack``), which must
    pickle; ``unpack(item, packed)`` gives the result back (a few numbers can stand for many objects
    that the item already holds, and pickling the objects would cost more than the child saved)."""
    if not worth or len(items) < 2 or not can_fork():
        return [function(item) for item in items]
    theirs, mine = items[0::2], items[1::2]

    def child() -> bytes:
        results = [function(item) for item in theirs]
        return pickle.dumps(results if pack is None else [pack(*pair) for pair in zip(theirs, results, strict=True)],
                            protocol=pickle.HIGHEST_PROTOCOL)

    own, data = aside(child, lambda: [function(item) for item in mine])
    sent = _results(data, len(theirs)) if data is not None else None
    if sent is None:
        sent = [function(item) for item in theirs]
    elif unpack is not None:
        sent = [unpack(item, packed) for item, packed in zip(theirs, sent, strict=True)]
    merged: list[R] = []
    for at in range(len(items)):
        merged.append(sent[at // 2] if at % 2 == 0 else own[at // 2])
    return merged


def _results(data: bytes, expected: int) -> list | None:
    try:
        results = pickle.loads(data)
    except Exception:
        return None
    return results if isinstance(results, list) and len(results) == expected else None


def aside(theirs: Callable[[], bytes], mine: Callable[[], R], patient: bool = False) -> tuple[R, bytes | None]:
    """``mine()`` in this process while a child forked from it runs ``theirs()``: ``mine``'s result and
    the bytes ``theirs`` returned, or None when the child failed (raised, was killed, or could not
    write them). The caller checks :func:`can_fork` first, and does ``theirs``' work itself on None.
    If ``mine`` raises, the child is killed and reaped (or, if ``patient``, left to finish: its work
    is worth keeping whatever this process's fate), and the error is ``mine``'s."""
    sys.stdout.flush()  # else what waits in this process's buffers would be the child's to write too
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, leave
        code = 1
        try:
            os.close(read_end)
            data = theirs()
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    reaped = False
    with os.fdopen(read_end, "rb") as pipe:
        try:
            result = mine()
            data = pipe.read()
            _, status = os.waitpid(pid, 0)
            reaped = True
        finally:
            if not reaped:
                with contextlib.suppress(ChildProcessError, ProcessLookupError):
                    if not patient:
                        os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
    return result, data if os.waitstatus_to_exitcode(status) == 0 else None
