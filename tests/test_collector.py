"""The generator runs with Python's collector of reference cycles paused (kb.collector): what a pass
makes lives as long as the pass, and the collector went through it again and again for nothing; in a
command of one pass, what the pause made is frozen when it ends."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from kb import collector, memo
from kb.pipeline import generate


def test_pauses_nest_and_leave_the_collector_as_they_found_it():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # paused by someone else: still paused
    finally:
        gc.enable()


def test_no_collection_starts_while_the_generator_works_from_nothing(mini, tmp_path):
    memo.forget()  # nothing carried: every entry loaded, checked, cut, linked, weighed and rendered
    working = ("load.py", "validate.py", "derive.py", "terms.py", "linking.py", "related.py", "render.py", "write.py")
    during: list[bool] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            frame, files = sys._getframe(1), set()
            while frame is not None:
                files.add(Path(frame.f_code.co_filename))
                frame = frame.f_back
            during.append(any(f.parent.name == "kb" and f.name in working for f in files))

    gc.callbacks.append(note)
    try:
        report, _ = generate(mini, tmp_path / "out")
    finally:
        gc.callbacks.remove(note)
    assert report.written and not any(during) and gc.isenabled()


def test_what_a_pause_made_is_frozen_in_a_command_of_one_pass_only(monkeypatch):
    frozen = gc.get_freeze_count()
    with collector.paused():
        made = [[n] for n in range(1000)]
    assert gc.get_freeze_count() == frozen  # `kb serve`: collected as usual
    monkeypatch.setattr(collector, "one_pass", True)
    try:
        with collector.paused():
            made += [[n] for n in range(1000)]
        assert gc.get_freeze_count() >= frozen + 2000 and gc.isenabled()
    finally:
        gc.unfreeze()  # this test process goes on
    assert len(made) == 2000
