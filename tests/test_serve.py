"""`kb serve`: the preview rebuilds in place after an edit, reports content errors without a traceback,
and keeps serving the last good site until they are fixed."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support.site import project_with


def _get(url: str) -> str:
    return urllib.request.urlopen(url, timeout=120).read().decode("utf-8")


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def served(mini, tmp_path):
    project = project_with(tmp_path, mini)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--root", str(project),
                                    "--dev-addr", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                _get(f"{base}/answers/alpha.html")
                return True
            except OSError:
                assert process.poll() is None, log.read_text(encoding="utf-8")
                return False

        try:
            _wait_for(up, "the first build")
            yield project, base, log
        finally:
            process.terminate()
            process.wait(timeout=30)


def _reload_after(base: str, page: str, edit) -> str:
    """Make ``edit``, wait for the live-reload signal the open ``page`` waits for, return the page again."""
    epoch, request = re.search(r"livereload\((\d+), (\d+)\)", _get(f"{base}/{page}")).groups()
    time.sleep(1)  # the watcher polls; give it a state to compare with
    edit()
    _get(f"{base}/livereload/{epoch}/{request}")  # answers when the rebuild is visible
    return _get(f"{base}/{page}")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edit_shows_in_both_languages_after_an_incremental_rebuild(served):
    project, base, log = served
    answer = project / "answers/100/alpha.md"
    page = _reload_after(base, "answers/alpha.html", lambda: _replace(answer, "核心是理解问题", "核心是吃透问题"))
    assert "吃透问题" in page
    assert "吃透问题" in _get(f"{base}/en/answers/alpha.html")  # the parallel view carries the original
    assert re.search(r"kb: built both languages in [\d.]+ s \(the pages that changed\)", log.read_text("utf-8"))
    assert "Traceback" not in log.read_text("utf-8")


def test_a_content_error_is_reported_with_its_line_and_the_last_good_site_stays_up(served):
    project, base, log = served
    answer = project / "answers/100/alpha.md"
    _reload_after(base, "answers/alpha.html", lambda: _replace(answer, "themes: [maths, practice]",
                                                               "themes: [maths, pratice]"))
    text = log.read_text("utf-8")
    assert "answers/100/alpha.md:14: themes: unknown theme 'pratice'" in text
    assert "Traceback" not in text
    assert "核心是理解问题" in _get(f"{base}/answers/alpha.html")  # still served
    page = _reload_after(base, "answers/alpha.html", lambda: _replace(answer, "pratice", "practice"))
    assert "核心是理解问题" in page
    _wait_for(lambda: log.read_text("utf-8").count("kb: built both languages") >= 2, "the rebuild after the fix")
