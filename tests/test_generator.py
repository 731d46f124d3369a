"""Derivation and rendering are pure and deterministic; writing touches only what changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kb.derive import derive, pinyin_key
from kb.load import load
from kb.pipeline import generate, load_checked
from kb.render import GENERATED_MARK, render_site
from kb.write import write_pages

from support.site import ROOT


@pytest.fixture
def indexes(mini):
    return derive(load_checked(mini).collection)


def test_answers_are_grouped_by_theme_stance_and_author(indexes):
    ids = lambda answers: [a.id for a in answers]  # noqa: E731
    assert ids(indexes.answers_by_theme["maths"]) == ["alpha", "beta", "gamma"]
    assert ids(indexes.answers_by_stance["code-is-hard"]) == ["beta", "gamma"]
    assert ids(indexes.answers_by_author["unsigned"]) == ["beta", "gamma"]
    assert list(indexes.authors) == ["li-lei", "unsigned"]


def test_previous_and_next_stay_within_the_question_in_order(indexes):
    assert indexes.previous["alpha"] is None and indexes.next["alpha"].id == "beta"
    assert indexes.previous["gamma"].id == "beta" and indexes.next["gamma"] is None


def test_entries_sharing_a_title_are_numbered(indexes):
    assert indexes.part == {"beta": (1, 2), "gamma": (2, 2)}


def test_chinese_glossary_order_is_pinyin_and_english_order_is_alphabetical(indexes):
    assert [t.zh for t in indexes.terms["zh"]] == ["核方法", "支持向量机"]  # he < zhi
    assert [t.en for t in indexes.terms["en"]] == ["kernel method", "support vector machine"]
    assert pinyin_key("摩尔定律") < pinyin_key("模拟退火")  # mo2 er3 < mo2 ni3


def test_every_entry_gets_a_page_in_both_languages_plus_the_indexes(indexes):
    pages = render_site(indexes)
    for lang in ("zh", "en"):
        for name in ("answers/alpha.md", "answers/beta.md", "answers/gamma.md", "answers/index.md",
                     "themes/maths.md", "themes/practice.md", "themes/index.md", "authors/li-lei.md",
                     "authors/unsigned.md", "authors/index.md", "questions/100.md", "questions/index.md",
                     "stances/index.md", "glossary/index.md", "feed.xml"):
            assert f"{lang}/{name}" in pages
    assert len(pages) == 30
    assert all(GENERATED_MARK.encode() in data for path, data in pages.items() if path.endswith(".md"))


def test_answer_pages_speak_the_pages_language(indexes):
    pages = render_site(indexes)
    zh, en = pages["zh/answers/alpha.md"].decode(), pages["en/answers/alpha.md"].decode()
    assert "不难，核心是理解问题。" in zh and "Kernel methods are not hard" not in zh
    assert "are not hard; the core is understanding the problem." in en
    assert "[李雷](../authors/li-lei.md)" in zh and "[Li Lei](../authors/li-lei.md)" in en
    assert "**Translator's note:** A note of ours." in en
    assert "[不是数学](../stances/index.md#not-maths)" in zh


def test_unsigned_entries_are_shown_as_unsigned_not_named(indexes):
    pages = {path: data.decode() for path, data in render_site(indexes).items()}
    assert "[未署名](../authors/unsigned.md)" in pages["zh/answers/beta.md"]
    assert "[Unsigned](../authors/unsigned.md)" in pages["en/answers/beta.md"]
    assert "# 其他观点（一）" in pages["zh/answers/beta.md"]
    assert "# Other views (2 of 2)" in pages["en/answers/gamma.md"]


def test_rendering_is_deterministic(mini):
    first = render_site(derive(load_checked(mini).collection))
    second = render_site(derive(load_checked(mini).collection))
    assert first == second


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_second_build_rewrites_nothing_and_a_change_rewrites_only_its_pages(mini, tmp_path):
    out = tmp_path / "out"
    first, _ = generate(mini, out)
    assert len(first.written) == 30
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*.md")}
    again, _ = generate(mini, out)
    assert again.written == () and again.unchanged == 30
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.md")} == mtimes
    path = mini / "answers/100/gamma.md"
    path.write_text(path.read_text(encoding="utf-8").replace("还是代码。", "依然是代码。"), encoding="utf-8")
    changed, _ = generate(mini, out)
    # Both languages' pages carry the original (the English one for the parallel view); nothing else.
    assert changed.written == ("en/answers/gamma.md", "zh/answers/gamma.md")


def test_stale_generated_pages_are_removed(mini, tmp_path):
    out = tmp_path / "out"
    generate(mini, out)
    (mini / "answers/100/gamma.md").unlink()
    (mini / "answers/100/gamma.en.md").unlink()
    report, _ = generate(mini, out)
    assert "zh/answers/gamma.md" in report.removed and "en/answers/gamma.md" in report.removed
    assert not (out / "zh/answers/gamma.md").exists()


def test_generation_writes_only_into_its_output_folder(mini, tmp_path):
    out = mini / "docs" / "_generated"
    before = _tree(mini)
    generate(mini)
    after = _tree(mini)
    new = {k for k in after if k not in before}
    assert new and all(k.startswith("docs/_generated/") for k in new)
    assert {k: v for k, v in after.items() if k in before} == before  # answers/ and glossary/ untouched
    assert out.is_dir()


def test_the_same_sources_give_byte_identical_files(mini, tmp_path):
    generate(mini, tmp_path / "one")
    generate(mini, tmp_path / "two")
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_write_pages_replaces_only_differing_files(tmp_path):
    report = write_pages(tmp_path, {"a/x.md": b"x", "b.md": b"b"})
    assert report.written == ("a/x.md", "b.md")
    report = write_pages(tmp_path, {"a/x.md": b"x", "b.md": b"changed"})
    assert report.written == ("b.md",) and report.unchanged == 1
    report = write_pages(tmp_path, {"b.md": b"changed"})
    assert report.removed == ("a/x.md",) and not (tmp_path / "a").exists()


def test_write_pages_leaves_the_folders_it_is_told_to_keep(tmp_path):
    write_pages(tmp_path, {"zh/a.md": b"a", "zh/x/y.md": b"y", "en/a.md": b"a", "stray.md": b"s"})
    report = write_pages(tmp_path, {"en/b.md": b"b"}, keep=("zh",))
    assert report.written == ("en/b.md",) and report.removed == ("en/a.md", "stray.md")
    assert (tmp_path / "zh/a.md").read_text() == "a" and (tmp_path / "zh/x/y.md").is_file()  # the other language's
    assert str(report + write_pages(tmp_path, {"zh/a.md": b"a"}, keep=("en",))) == "1 written, 1 unchanged, 3 removed"
    assert not (tmp_path / "zh/x").exists() and (tmp_path / "en/b.md").is_file()


def test_each_language_can_be_generated_alone_and_a_pass_generates_each_once(mini, tmp_path, monkeypatch):
    from kb import pipeline

    out = tmp_path / "out"
    rendered = []
    render = pipeline.render_site
    # One process, as when other tests have left threads running: a forked child's renders (both
    # languages at once, tests/test_languages_at_once.py) would not reach this list.
    monkeypatch.setattr(pipeline.forked, "can_fork", lambda: False)
    monkeypatch.setattr(pipeline, "render_site", lambda ix, langs: rendered.append(langs) or render(ix, langs))
    both, _ = generate(mini, out)
    with pipeline.one_pass(mini):
        english, _ = generate(mini, out, langs=("en",))
        assert not english.written and not english.removed and english.unchanged > 0
        assert generate(mini, out, langs=("en",))[0].unchanged == english.unchanged  # done in this pass
        chinese, _ = generate(mini, out, langs=("zh",))  # not yet done in this pass: generated
        generate(mini, out)  # both done in this pass
    assert rendered == [("zh", "en"), ("en",), ("zh",)]
    assert english.unchanged + chinese.unchanged == both.unchanged + len(both.written) == len(pipeline.outputs(out))


def test_kb_generate_scans_the_sources_once(mini, monkeypatch):
    # Generating asks for the sources' state, loading and checking ask again (kb.pipeline.one_pass):
    # one walk over answers/ and glossary/ serves them all (0.13 s a walk at N = 10,000).
    from kb import pipeline
    from kb.cli import main

    scans = []
    scan = pipeline._scan
    monkeypatch.setattr(pipeline, "_scan", lambda root: scans.append(root) or scan(root))
    assert main(["generate", "--root", str(mini)]) == 0
    assert len(scans) == 1


def test_the_real_collection_renders_all_its_pages():
    pages = render_site(derive(load_checked(ROOT).collection))
    collection = load(ROOT).collection
    for answer in collection.answers:
        assert f"zh/answers/{answer.id}.md" in pages and f"en/answers/{answer.id}.md" in pages
