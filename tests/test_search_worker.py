"""kb.search.worker: every page's __config names our search worker instead of Material's."""

from __future__ import annotations

import pytest

from kb.search.worker import WORKER, point_pages_at_our_worker, use_our_worker


def page(search: str) -> str:
    return (f'<html><script id="__config" type="application/json">{{"base": "..", "search": "{search}", '
            '"tags": null}</script><p>"search": "assets/javascripts/workers/search.0000.min.js"</p></html>')


def test_materials_worker_is_replaced_keeping_the_relative_prefix(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text(page("../assets/javascripts/workers/search.1a2b3c.min.js"))
    (tmp_path / "i.html").write_text(page("assets/javascripts/workers/search.1a2b3c.min.js"))
    (tmp_path / "plain.html").write_text("<html>no config</html>")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "i.html").write_text(page("assets/javascripts/workers/search.1a2b3c.min.js"))
    assert point_pages_at_our_worker(tmp_path, exclude=("en",)) == 2
    assert (tmp_path / "a" / "x.html").read_text() == page(f"../{WORKER}")
    assert (tmp_path / "i.html").read_text() == page(WORKER)
    assert "search.1a2b3c" in (tmp_path / "en" / "i.html").read_text()  # the other language's, left alone
    stamp = (tmp_path / "i.html").stat().st_mtime_ns
    assert point_pages_at_our_worker(tmp_path, exclude=("en",)) == 0  # a second pass: nothing to write
    assert (tmp_path / "i.html").stat().st_mtime_ns == stamp


def test_a_config_naming_no_known_worker_fails_loudly(tmp_path):
    with pytest.raises(ValueError, match="no longer names its search worker"):
        use_our_worker(page("assets/javascripts/workers/other.js"))
    (tmp_path / "x.html").write_text(page("search/elsewhere.js"))
    with pytest.raises(ValueError, match=r"x\.html"):
        point_pages_at_our_worker(tmp_path)
