"""`kb serve`: the preview rebuilds after an edit, is never stale, reports content errors without a
traceback, and keeps serving the last good site until they are fixed."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from kb.pipeline import build
from kb.site.serve import Builder
from kb.tools.browser import fetch, kb_serve, reload_after

from support.site import project_with


def _wait_for(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _differences(served: Path, cold: Path) -> list[str]:
    """The files in which the served site and a cold build differ (missing on either side included)."""
    mine, theirs = _files(served), _files(cold)
    return sorted(rel for rel in mine.keys() | theirs.keys() if mine.get(rel) != theirs.get(rel))


@pytest.fixture
def served(mini, tmp_path):
    project = project_with(tmp_path, mini)
    log = tmp_path / "serve.log"
    with kb_serve(project, log, "answers/alpha.html") as base:
        yield project, base, log


def test_an_edit_shows_in_both_languages_after_a_rebuild_of_the_pages_that_changed(served):
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


def test_every_page_served_after_each_kind_of_edit_equals_a_cold_builds(mini, tmp_path):
    """The server's rebuild after an edit to an entry, the theme's template, the stylesheet, a
    hand-written page, and after an entry is added and one removed: every file of the served site
    equals what `kb build` makes from nothing of the same sources."""
    project = project_with(tmp_path, mini)
    served = tmp_path / "served"
    served.mkdir()
    rebuild = Builder(project, served)
    rebuild()
    answers = project / "answers/100"
    edits = {
        "an entry's text": lambda: _replace(answers / "alpha.md", "核心是理解问题", "核心是吃透问题"),
        "the theme's template": lambda: _replace(
            project / "docs/overrides/main.html", '{% extends "base.html" %}',
            '{% extends "base.html" %}\n{% block announce %}新公告{% endblock %}'),
        "the stylesheet": lambda: (project / "docs/overrides/assets/stylesheets/kb.css").write_text(
            "body { color: black; }\n", encoding="utf-8"),
        "a hand-written page's title": lambda: _replace(project / "docs/zh/about.md", "# 关于", "# 关于（新）"),
        "an entry added": lambda: [shutil.copy(answers / "gamma.md", answers / "delta.md"),
                                   shutil.copy(answers / "gamma.en.md", answers / "delta.en.md"),
                                   _replace(answers / "delta.md", "id: gamma", "id: delta"),
                                   _replace(answers / "delta.md", "order: 3", "order: 4")],
        "an entry removed": lambda: [(answers / "beta.md").unlink(), (answers / "beta.en.md").unlink()],
    }
    for what, edit in edits.items():
        edit()
        rebuild()
        assert rebuild.last_shared is not None, f"the rebuild after {what} failed"
        cold = tmp_path / f"cold-{len(list(tmp_path.glob('cold-*')))}"
        build(project, cold, strict=False)
        assert _differences(served, cold) == [], f"stale after {what}"
