"""`kb serve`: the preview rebuilds in place after an edit, reports content errors without a traceback,
and keeps serving the last good site until they are fixed."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kb.browser import fetch, kb_serve, reload_after
from kb.memo import CACHE_ENV, cache_file

from support.site import project_with


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def served(mini, tmp_path, request):
    project = project_with(tmp_path, mini)
    log = tmp_path / "serve.log"
    with kb_serve(project, log, "answers/alpha.html", options=getattr(request, "param", ())) as base:
        yield project, base, log


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Edits are seen through the system's change events, or by polling (kb serve --poll).
@pytest.mark.parametrize("served", [(), ("--poll",)], indirect=True, ids=["events", "polling"])
def test_an_edit_shows_in_both_languages_after_an_incremental_rebuild(served):
    project, base, log = served
    answer = project / "answers/100/alpha.md"
    _, page = reload_after(base, "answers/alpha.html", lambda: _replace(answer, "核心是理解问题", "核心是吃透问题"))
    assert "吃透问题" in page
    assert "吃透问题" in fetch(f"{base}/en/answers/alpha.html")  # the parallel view carries the original
    assert re.search(r"kb: built both languages in [\d.]+ s \(the pages that changed\)", log.read_text("utf-8"))
    time.sleep(2)  # a build reads the sources: that is no edit, and must not start another build
    assert log.read_text("utf-8").count("kb: built both languages") == 2
    assert "Traceback" not in log.read_text("utf-8")


def test_a_content_error_is_reported_with_its_line_and_the_last_good_site_stays_up(served):
    project, base, log = served
    answer = project / "answers/100/alpha.md"
    reload_after(base, "answers/alpha.html", lambda: _replace(answer, "themes: [maths, practice]",
                                                              "themes: [maths, pratice]"))
    text = log.read_text("utf-8")
    assert "answers/100/alpha.md:14: themes: unknown theme 'pratice'" in text
    assert "Traceback" not in text
    assert "核心是理解问题" in fetch(f"{base}/answers/alpha.html")  # still served
    _, page = reload_after(base, "answers/alpha.html", lambda: _replace(answer, "pratice", "practice"))
    assert "核心是理解问题" in page
    _wait_for(lambda: log.read_text("utf-8").count("kb: built both languages") >= 2, "the rebuild after the fix")


def test_a_server_stopped_with_sigterm_saves_what_it_carries(mini, tmp_path, monkeypatch):
    # kb_serve stops the server as a service manager or a container runtime does: with SIGTERM.
    project, log = project_with(tmp_path, mini), tmp_path / "serve.log"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "carried"))
    with kb_serve(project, log, "answers/alpha.html"):
        assert not cache_file(project).exists()
    assert cache_file(project).is_file()  # the next kb build starts from it
    assert "Shutting down" in log.read_text("utf-8") and "Traceback" not in log.read_text("utf-8")
