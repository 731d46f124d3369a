"""`kb build` after an edit renders only the pages the edit touched, and the site equals a full build."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb import memo, pipeline, search_index, search_shards
from kb.incremental import merge_docs
from kb.pipeline import derived, expected_outputs, generate, one_pass, outputs
from kb.render import render_site
from kb.search_index import read_index
from kb.search_tokens import Cutter
from kb.site import SUBDIR, build_site, generate_and_build

from support.site import ROOT, project_with


def _build(project: Path, *extra: str) -> str:
    result = subprocess.run([sys.executable, "-m", "kb", "build", "--root", str(project), *extra],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz carries the time it was written in its gzip header, even in two full builds.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"}


def _mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*.html")}


def test_an_edit_renders_only_its_pages_and_the_site_equals_a_full_build(mini, tmp_path):
    project = project_with(tmp_path, mini)
    assert "(every page rendered)" in _build(project)
    before = _mtimes(project / "site")
    path = project / "answers/100/alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二段，", "第二段落，"), encoding="utf-8")
    assert "(only the pages that changed rendered)" in _build(project)
    after = _mtimes(project / "site")
    rendered = {page for page in after if after[page] != before[page]}
    assert {"answers/alpha.html", "en/answers/alpha.html"} <= rendered
    assert "about.html" not in rendered and "en/glossary/index.html" not in rendered
    assert len(rendered) < len(after) / 2
    _build(project, "--full", "--site-dir", str(tmp_path / "full"))
    incremental, full = _files(project / "site"), _files(tmp_path / "full")
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []
    assert "第二段落" in (project / "site/answers/alpha.html").read_text(encoding="utf-8")


def test_a_pass_after_an_edit_cuts_only_the_changed_index_entries_of_each_language(mini, tmp_path, monkeypatch):
    # As `kb serve` does: one process, one pass per edit. Both languages' indexes carry their counts
    # (their settings name the same search language, which must not make them share one carry).
    project, site_dir = project_with(tmp_path, mini), tmp_path / "site"

    def one_build() -> bool:
        with one_pass(project):
            generate(project)
            return build_site(project, site_dir, strict=False)

    one_build()
    cut: list[str] = []
    counts = Cutter.counts
    monkeypatch.setattr(Cutter, "counts", lambda self, html: cut.append(html) or counts(self, html))
    path = project / "answers/100/alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("第二段，", "第二段落，"), encoding="utf-8")
    assert one_build()
    fields = sum(2 * len(read_index(site_dir / sub / "search")["docs"]) for sub in SUBDIR.values())
    assert any("第二段落" in text.replace("\u200b", "") for text in cut)  # the worker's word breaks
    assert 0 < len(cut) < fields / 5


def test_a_pass_after_an_edit_takes_the_index_it_wrote_from_memory_unless_the_file_changed(mini, tmp_path,
                                                                                           monkeypatch):
    project, site_dir = project_with(tmp_path, mini), tmp_path / "site"

    def one_build(old: str = "", new: str = "") -> bool:
        path = project / "answers/100/alpha.md"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        with one_pass(project):
            generate(project)
            return build_site(project, site_dir, strict=False)  # True: only what changed rendered

    one_build()
    reads: list[Path] = []
    read = search_index.read_index
    monkeypatch.setattr(search_index, "read_index", lambda folder: reads.append(folder) or read(folder))
    encoded: list[dict] = []
    encode = search_shards.encode
    monkeypatch.setattr(search_shards, "encode", lambda doc: encoded.append(doc) or encode(doc))
    assert one_build("第二段，", "第二段落，")
    assert reads == []  # both languages' entries of the pages not rendered again: as written
    entries = sum(len(read(site_dir / sub / "search")["docs"]) for sub in SUBDIR.values())
    assert {doc["location"] for doc in encoded} >= {"answers/alpha.html"}  # and not encoded again
    assert len(encoded) < entries / 5
    script = site_dir / "search/search_index.js"
    script.write_text(script.read_text(encoding="utf-8"), encoding="utf-8")  # written behind its back
    assert one_build("第二段落，", "第三段，")
    assert reads == [site_dir / "search"]
    reads.clear()
    assert one_build("第三段，", "第二段，")
    assert reads == []
    index = read(site_dir / "search")
    assert "第三段" not in json.dumps(index, ensure_ascii=False) and "第二段" in json.dumps(index, ensure_ascii=False)
    _build(project, "--full", "--site-dir", str(tmp_path / "full"))
    assert _files(site_dir / "search") == _files(tmp_path / "full/search")


def test_a_removed_entry_or_a_changed_template_means_a_full_build(mini, tmp_path):
    project = project_with(tmp_path, mini)
    _build(project)
    (project / "answers/100/gamma.md").unlink()
    (project / "answers/100/gamma.en.md").unlink()
    assert "(every page rendered)" in _build(project)
    assert not (project / "site/answers/gamma.html").exists()
    assert "(only the pages that changed rendered)" in _build(project)
    css = project / "docs/overrides/assets/stylesheets/kb.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    assert "(every page rendered)" in _build(project)


def test_the_pages_a_collection_will_have_are_known_before_they_are_generated(mini, tmp_path):
    """`kb build` decides whether a build is dirty before writing a page (kb.site.generate_and_build)."""
    out = tmp_path / "out"
    for remove in ((), ("answers/100/gamma.md", "answers/100/gamma.en.md")):
        for name in remove:
            (mini / name).unlink()
        expected = expected_outputs(mini)
        generate(mini, out)
        assert expected == outputs(out) and len(expected) == (30 if not remove else 28)
    assert expected_outputs(ROOT) == tuple(sorted(f"{lang}/{page}" for lang in ("en", "zh")
                                                  for page in render_site(derived(ROOT), ("zh",))
                                                  for page in [page.removeprefix("zh/")]))


def test_a_build_whose_pages_are_not_those_expected_is_done_again_in_full(mini, tmp_path, monkeypatch, caplog):
    project = project_with(tmp_path, mini)
    _build(project)
    (project / "answers/100/gamma.md").unlink()
    (project / "answers/100/gamma.en.md").unlink()
    gone = ("en/answers/gamma.md", "zh/answers/gamma.md")
    before = tuple(sorted((*pipeline.expected_outputs(project), *gone)))  # the pages before: dirty, it seems
    monkeypatch.setattr(pipeline, "expected_outputs", lambda root: before)
    told = []
    logging.getLogger("mkdocs").addHandler(caplog.handler)  # kb's messages go to MkDocs' logger only
    try:
        with memo.carried(project), one_pass(project):
            dirty = generate_and_build(project, project / "site", lambda report, warnings: told.append(str(report)))
    finally:
        logging.getLogger("mkdocs").removeHandler(caplog.handler)
    assert not dirty and len(told) == 1
    assert "the pages generated were not those expected" in caplog.text
    assert not (project / "site/answers/gamma.html").exists() and not (project / "site/en/answers/gamma.html").exists()
    monkeypatch.undo()
    assert "(only the pages that changed rendered)" in _build(project)  # the state saved is the pages found


def test_merged_index_entries_follow_page_order_and_drop_pages_that_are_gone():
    previous = [{"location": "a.html"}, {"location": "a.html#x"}, {"location": "b.html"}, {"location": "gone.html"}]
    rebuilt = [{"location": "b.html", "new": True}, {"location": "b.html#y", "new": True}]
    merged = merge_docs(previous, rebuilt, {"b.html"}, ["a.html", "b.html", "c.html"])
    assert merged == [{"location": "a.html"}, {"location": "a.html#x"},
                      {"location": "b.html", "new": True}, {"location": "b.html#y", "new": True}]


def test_a_generated_page_counts_as_modified_from_when_it_was_written(tmp_path, monkeypatch):
    # MkDocs' own check (File.is_modified) takes three file system calls, twice per page in a dirty
    # build; a generated page's is answered from what writing it recorded, with one call, once.
    from mkdocs.structure.files import File

    from kb.mkdocs_hooks import _GeneratedFile
    from kb.write import write_pages

    out, built = tmp_path / "generated", tmp_path / "site"
    write_pages(out, {"zh/answers/a.md": b"# A"})
    source = out / "zh/answers/a.md"

    def page() -> _GeneratedFile:
        return _GeneratedFile("answers/a.md", str(out / "zh"), str(built), False)

    assert page().is_modified()  # never built
    dest = Path(page().abs_dest_path)
    dest.parent.mkdir(parents=True)
    dest.write_text("<h1>A</h1>", encoding="utf-8")
    written = source.stat().st_mtime_ns
    os.utime(dest, ns=(written + 10**9, written + 10**9))
    monkeypatch.setattr(os.path, "getmtime", lambda path: pytest.fail("the source's time was asked of the disk"))
    stats: list[str] = []
    stat = os.stat
    monkeypatch.setattr(os, "stat", lambda path, *a, **k: stats.append(str(path)) or stat(path, *a, **k))
    fresh = page()
    assert not fresh.is_modified() and not fresh.is_modified() and stats == [str(dest)]
    os.utime(dest, ns=(written - 10**9, written - 10**9))
    assert page().is_modified()
    monkeypatch.undo()
    elsewhere = tmp_path / "by-hand/zh/answers/a.md"  # a page kb did not write: MkDocs' own answer
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_bytes(b"# A")
    by_hand = _GeneratedFile("answers/a.md", str(tmp_path / "by-hand/zh"), str(built), False)
    plain = File("answers/a.md", str(tmp_path / "by-hand/zh"), str(built), False)
    assert by_hand.is_modified() == plain.is_modified()
