"""Derivation and rendering are pure and deterministic; generating writes the staging folders
build/docs/<lang>/ (hand-written pages and generated ones) and touches only what changed."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kb.cli import main
from kb.content.load import load
from kb.content.model import LANGS, Collection
from kb.content.problems import errors
from kb.content.validate import check
from kb.derive.indexes import derive, pinyin_key
from kb.pipeline import generate
from kb.render.feed import FEED_PATH
from kb.render.pages import render_site
from kb.render.words import GENERATED_MARK
from kb.site.stage import STAGING
from kb.write import WriteReport, sync_folder, write_if_changed

from support.site import ROOT


def checked(root: Path) -> Collection:
    """The collection at ``root``, which must be valid."""
    loaded = load(root)
    assert errors(check(loaded)) == []
    return loaded.collection


@pytest.fixture
def indexes(mini):
    return derive(checked(mini))


def pages_of(ix, lang: str) -> dict[str, bytes]:
    return {page.path: page.data for page in render_site(ix, lang)}


def expected_pages(collection: Collection) -> set[str]:
    """The generated pages one language must have, named from the content: a page per entry, theme,
    author and question, each section's index, the viewpoint map, the glossary and the feed."""
    names = {f"answers/{a.id}.md" for a in collection.answers}
    names |= {f"themes/{t.id}.md" for t in collection.themes}
    names |= {f"authors/{a.author.id}.md" for a in collection.answers}
    names |= {f"questions/{q.id}.md" for q in collection.questions}
    names |= {f"{section}/index.md" for section in ("answers", "themes", "authors", "questions", "stances",
                                                    "glossary")}
    return names | {FEED_PATH}


def test_answers_are_grouped_by_theme_stance_and_author(indexes):
    ids = lambda answers: [a.id for a in answers]  # noqa: E731
    assert ids(indexes.answers_by_theme["maths"]) == ["alpha", "beta", "gamma"]
    assert ids(indexes.answers_by_stance["code-is-hard"]) == ["beta", "gamma"]
    assert ids(indexes.answers_by_author["unsigned"]) == ["beta", "gamma"]
    assert list(indexes.authors) == ["li-lei", "unsigned"]


def test_each_entrys_positions_are_indexed_by_sub_question(mini, indexes):
    for answer in checked(mini).answers:
        assert indexes.positions[answer.id] == {p.subquestion: p for p in answer.positions}
    # Entries of one stance keep their own positions.
    assert indexes.positions["beta"]["maths"].position == "no" and "maths" not in indexes.positions["gamma"]
    assert indexes.positions["beta"]["code"].position != indexes.positions["gamma"]["code"].position


def test_previous_and_next_stay_within_the_question_in_order(indexes):
    assert indexes.previous["alpha"] is None and indexes.next["alpha"].id == "beta"
    assert indexes.previous["gamma"].id == "beta" and indexes.next["gamma"] is None


def test_entries_sharing_a_title_are_numbered(indexes):
    assert indexes.part == {"beta": (1, 2), "gamma": (2, 2)}


def test_chinese_glossary_order_is_pinyin_and_english_order_is_alphabetical(indexes):
    assert [t.zh for t in indexes.terms["zh"]] == ["核方法", "支持向量机"]  # he < zhi
    assert [t.en for t in indexes.terms["en"]] == ["kernel method", "support vector machine"]
    assert pinyin_key("摩尔定律") < pinyin_key("模拟退火")  # mo2 er3 < mo2 ni3


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_gets_a_page_in_both_languages_plus_the_indexes(mini, indexes, lang):
    pages = pages_of(indexes, lang)
    assert set(pages) == expected_pages(checked(mini))
    assert all(GENERATED_MARK.encode() in data for path, data in pages.items() if path.endswith(".md"))


def _front_matter(data: bytes) -> dict:
    text = data.decode("utf-8")
    assert text.startswith("---\n"), text[:40]
    return yaml.safe_load(text.split("---\n", 2)[1])


@pytest.mark.parametrize("lang", LANGS)
def test_every_generated_page_is_left_out_of_materials_search_index(indexes, lang):
    """kb's post-build pass indexes the HTML; Material's plugin must index none of our pages."""
    pages = {path: data for path, data in pages_of(indexes, lang).items() if path.endswith(".md")}
    assert pages
    for path, data in pages.items():
        assert _front_matter(data)["search"]["exclude"] is True, path


def test_answer_pages_speak_the_pages_language(indexes):
    zh, en = (pages_of(indexes, lang)["answers/alpha.md"].decode() for lang in LANGS)
    assert "不难，核心是理解问题。" in zh and "Kernel methods are not hard" not in zh
    assert "are not hard; the core is understanding the problem." in en
    assert "[李雷](../authors/li-lei.md)" in zh and "[Li Lei](../authors/li-lei.md)" in en
    assert "**Translator's note:** A note of ours." in en
    assert "[不是数学](../stances/index.md#not-maths)" in zh


def test_unsigned_entries_are_shown_as_unsigned_not_named(indexes):
    zh, en = ({path: data.decode() for path, data in pages_of(indexes, lang).items()} for lang in LANGS)
    assert "[未署名](../authors/unsigned.md)" in zh["answers/beta.md"]
    assert "[Unsigned](../authors/unsigned.md)" in en["answers/beta.md"]
    assert _heading(zh["answers/beta.md"]) == "其他观点（一）"
    assert _heading(en["answers/gamma.md"]) == "Other views (2 of 2)"


def _heading(markdown_text: str) -> str:
    """A page's h1 as text (Markdown's backslash escapes undone)."""
    body = markdown_text.split("---\n", 2)[2]  # after the front matter (whose comments start with #)
    line = next(line for line in body.splitlines() if line.startswith("# "))
    return re.sub(r"\\(.)", r"\1", line.removeprefix("# "))


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _inodes(folder: Path) -> dict[str, int]:
    """A rewritten file is a new file (written beside it, then renamed over it): a new inode."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generating_fills_each_languages_staging_folder(mini):
    generated = generate(mini)
    expected = expected_pages(checked(mini))
    for lang in LANGS:
        assert set(_tree(mini / STAGING / lang)) == expected
    assert generated.report.written == tuple(sorted(f"{lang}/{name}" for lang in LANGS for name in expected))
    assert generated.warnings == ()


def test_the_staging_folder_holds_the_hand_written_pages_beside_the_generated_ones(mini):
    hand = {"zh": {"index.md": "---\ntitle: 首页\n---\n\n# 首页\n", "about/faq.md": "# 问答\n"},
            "en": {"index.md": "---\ntitle: Home\n---\n\n# Home\n"}}
    for lang, files in hand.items():
        for name, text in files.items():
            (mini / "docs" / lang / name).parent.mkdir(parents=True, exist_ok=True)
            (mini / "docs" / lang / name).write_text(text, encoding="utf-8")
    generate(mini)
    for lang in LANGS:
        staged = mini / STAGING / lang
        assert set(_tree(staged)) == expected_pages(checked(mini)) | set(hand[lang])
        for name, text in hand[lang].items():
            assert (staged / name).read_text(encoding="utf-8") == text  # copied as written
    # A hand-written page that is removed leaves the staging folder too.
    (mini / "docs/zh/about/faq.md").unlink()
    assert generate(mini).report.removed == ("zh/about/faq.md",)
    assert not (mini / STAGING / "zh/about").exists()


def test_a_hand_written_page_may_not_take_a_generated_pages_path(mini, capsys):
    (mini / "docs/en/answers").mkdir(parents=True)
    (mini / "docs/en/answers/alpha.md").write_text("# Mine\n", encoding="utf-8")
    assert main(["generate", "--root", str(mini)]) == 1
    assert ("docs/en/answers/alpha.md:1: file: has the path of a generated page; rename the hand-written page"
            in capsys.readouterr().err)
    assert not (mini / STAGING).exists()


def test_kb_generate_twice_in_a_row_writes_nothing_the_second_time(mini):
    command = [sys.executable, "-m", "kb", "generate", "--root", str(mini)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    count = 2 * len(expected_pages(checked(mini)))
    assert f"kb generate: {count} written, 0 unchanged, 0 removed" in first.stdout
    before = _inodes(mini / STAGING)
    second = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"kb generate: 0 written, {count} unchanged, 0 removed" in second.stdout
    assert _inodes(mini / STAGING) == before  # no file replaced, not even by the same bytes


def test_a_change_rewrites_only_the_pages_that_show_it(mini):
    generate(mini)
    before = _inodes(mini / STAGING)
    path = mini / "answers/100/gamma.md"
    path.write_text(path.read_text(encoding="utf-8").replace("还是代码。", "还是代码，依然是代码。"), encoding="utf-8")
    changed = generate(mini)
    # Both languages' pages carry the original (the English one for the parallel view); nothing else.
    assert changed.report.written == ("en/answers/gamma.md", "zh/answers/gamma.md")
    after = _inodes(mini / STAGING)
    assert [rel for rel in before if after[rel] != before[rel]] == ["en/answers/gamma.md", "zh/answers/gamma.md"]


def test_stale_generated_pages_are_removed(mini):
    generate(mini)
    (mini / "answers/100/gamma.md").unlink()
    (mini / "answers/100/gamma.en.md").unlink()
    report = generate(mini).report
    assert "zh/answers/gamma.md" in report.removed and "en/answers/gamma.md" in report.removed
    assert not (mini / STAGING / "zh/answers/gamma.md").exists()


def test_generation_writes_only_into_the_staging_folders(mini):
    before = _tree(mini)
    generate(mini)
    after = _tree(mini)
    new = {k for k in after if k not in before}
    assert new and all(k.startswith(f"{STAGING.as_posix()}/") for k in new)
    assert {k: v for k, v in after.items() if k in before} == before  # answers/ and glossary/ untouched


def test_the_same_sources_give_byte_identical_files_in_other_processes(mini, tmp_path):
    """Two copies of the sources, each generated by its own process with its own hash seed."""
    trees = []
    for seed in ("1", "2"):
        copy = tmp_path / f"copy{seed}"
        subprocess.run(["cp", "-r", str(mini), str(copy)], check=True)
        subprocess.run([sys.executable, "-m", "kb", "generate", "--root", str(copy)], check=True,
                       capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        trees.append(_tree(copy / STAGING))
    assert trees[0] and trees[0] == trees[1]


def test_sync_folder_replaces_only_differing_files_and_removes_the_rest(tmp_path):
    report = sync_folder(tmp_path, {"a/x.md": b"x", "b.md": b"b"})
    assert report.written == ("a/x.md", "b.md")
    report = sync_folder(tmp_path, {"a/x.md": b"x", "b.md": b"changed"})
    assert report.written == ("b.md",) and report.unchanged == 1 and report.removed == ()
    report = sync_folder(tmp_path, {"b.md": b"changed"})
    assert report.removed == ("a/x.md",) and not (tmp_path / "a").exists()  # and the folder left empty
    assert (tmp_path / "b.md").read_bytes() == b"changed"


def test_write_if_changed_leaves_a_file_with_the_same_bytes_alone(tmp_path):
    path = tmp_path / "deep/folder/page.md"
    assert write_if_changed(path, b"one") is True
    inode = path.stat().st_ino
    assert write_if_changed(path, b"one") is False and path.stat().st_ino == inode
    assert write_if_changed(path, b"two") is True and path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["page.md"]  # no temporary file left behind


def test_write_reports_add_up():
    one = WriteReport(("zh/b.md",), 2, ("zh/old.md",))
    two = WriteReport(("en/a.md",), 1, ())
    assert one + two == WriteReport(("en/a.md", "zh/b.md"), 3, ("zh/old.md",))
    assert str(one + two) == "2 written, 3 unchanged, 1 removed"


def test_the_real_collection_renders_all_its_pages():
    collection = checked(ROOT)
    ix = derive(collection)
    for lang in LANGS:
        assert set(pages_of(ix, lang)) == expected_pages(collection)
