"""kb.search.worker: every page's __config names our search worker instead of Material's."""

from __future__ import annotations

import os

import pytest

from kb.search.worker import WORKER, use_our_worker
from kb.site.postbuild import finish_pages, page_times
from kb.site.sanitize import with_policy


def page(search: str) -> str:
    return (f'<html><script id="__config" type="application/json">{{"base": "..", "search": "{search}", '
            '"tags": null}</script><p>"search": "assets/javascripts/workers/search.0000.min.js"</p></html>')


def test_materials_worker_is_replaced_keeping_the_relative_prefix(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text(page("../assets/javascripts/workers/search.1a2b3c.min.js"))
    (tmp_path / "i.html").write_text(page("assets/javascripts/workers/search.1a2b3c.min.js"))
    (tmp_path / "plain.html").write_text("<html>no config</html>")
    finish_pages(tmp_path)
    assert (tmp_path / "a" / "x.html").read_text() == with_policy(page(f"../{WORKER}"))
    assert (tmp_path / "i.html").read_text() == with_policy(page(WORKER))
    assert (tmp_path / "plain.html").read_text() == "<html>no config</html>"  # no head to hold a policy
    stamp = (tmp_path / "i.html").stat().st_mtime_ns
    finish_pages(tmp_path)  # a second pass: nothing to write
    assert (tmp_path / "i.html").stat().st_mtime_ns == stamp


def test_after_a_dirty_build_only_the_pages_written_since_are_finished(tmp_path):
    (tmp_path / "old.html").write_text(page("assets/javascripts/workers/search.1a2b3c.min.js"))
    (tmp_path / "new.html").write_text(page("assets/javascripts/workers/search.1a2b3c.min.js"))
    done = page_times(tmp_path)
    (tmp_path / "new.html").write_text(page("assets/javascripts/workers/search.4d5e6f.min.js"))
    os.utime(tmp_path / "new.html", ns=(done[tmp_path / "new.html"] + 10**9,) * 2)
    finish_pages(tmp_path, done)
    assert WORKER in (tmp_path / "new.html").read_text()
    assert WORKER not in (tmp_path / "old.html").read_text()


def test_a_config_naming_no_known_worker_fails_loudly(tmp_path):
    with pytest.raises(ValueError, match="no longer names its search worker"):
        use_our_worker(page("assets/javascripts/workers/other.js"))
    (tmp_path / "x.html").write_text(page("search/elsewhere.js"))
    with pytest.raises(ValueError, match=r"x\.html"):
        finish_pages(tmp_path)
