"""kb.search_text: the search entries of answer pages, made from the model instead of the HTML."""

from __future__ import annotations

import dataclasses
import html
from types import SimpleNamespace

import jieba

from kb.derive import derive
from kb.load import load
from kb.model import Text, oneline
from kb.render import Words
from kb.search_index import add_user_words, index_entries, without_excluded
from kb.search_text import ZWSP, answer_pages, join_words, page_text, segment

from support.site import ROOT

IX = derive(load(ROOT).collection)


def test_words_are_joined_with_zero_width_spaces_only_where_han_is_involved():
    assert join_words(["深度", "学习", " ", "Deep", " ", "Learning", "。"]) == f"深度{ZWSP}学习{ZWSP} Deep Learning。"
    assert join_words(["百度IDL", "很", "好"]) == f"百度{ZWSP}IDL{ZWSP}很{ZWSP}好"  # a mixed word is split too
    assert join_words(["RCNN", ",", "work"]) == "RCNN,work"


def test_only_han_runs_are_cut():
    cut_runs = []

    def cut(run):
        cut_runs.append(run)
        return list(run)

    assert segment("用CNN做detection的paper", cut) == f"用{ZWSP}CNN{ZWSP}做{ZWSP}detection{ZWSP}的{ZWSP}paper"
    assert cut_runs == ["用", "做", "的"]


def test_chinese_pages_reuse_the_generators_cut_of_every_paragraph():
    answer = IX.answers_by_id["zhang-xiang"]
    text = page_text(Words("zh", IX), answer, jieba.cut, lambda s: s).text
    for paragraph, tokens in zip(answer.paragraphs, IX.tokens[(answer.id, "zh")], strict=True):
        cut = join_words(word for word, _, _ in tokens)
        assert cut.replace(ZWSP, "") == paragraph.strip()  # nothing lost, only separators added
        assert f"<p>{html.escape(oneline(cut), quote=False)}</p>" in text
        assert cut.count(ZWSP) > len(paragraph) / 4  # cut into words, not left whole


def test_english_pages_drop_footnote_references_and_carry_the_translators_notes():
    answer = IX.answers_by_id["naiyan-wang"]
    text = answer_pages(IX, "en", jieba.cut)[f"answers/{answer.id}.md"].text
    assert "[^tn" not in text
    assert "make it work. XD" in text
    for note in answer.translation.notes:
        assert f"Translator's note: {note.text[:30]}" in text.replace(ZWSP, "")
    assert "Naiyan Wang" in text and answer.summary.en[:30] in text


def test_text_is_escaped_as_html():
    answer = IX.answers_by_id["naiyan-wang"]
    text = answer_pages(IX, "en", jieba.cut)[f"answers/{answer.id}.md"].text
    assert "<p>" in text and "'" in text  # elements are ours; apostrophes stay as written
    assert "&lt;" not in text or "<" not in "".join(answer.translation.paragraphs)


# kb.search_index.without_excluded: what the hooks hand Material's indexer for the other generated pages.

PAGE = """<h1 id="t">Title</h1>
<p>Kept one.</p>
<div class="kb-list" data-search-exclude><div><p>Nested, left out.</p></div><p>Also left out.</p></div>
<p>Kept two.<img src="x.png" data-search-exclude></p>
<h2 id="answers" data-search-exclude>Answers</h2>
<ul><li>A whole section, left out.</li></ul>
<h3>No id: still the excluded section</h3>
<h2 id="next">Next</h2>
<p>Kept three.</p>"""


def test_excluded_elements_and_sections_are_cut_out():
    reduced = without_excluded(PAGE)
    for kept in ("Kept one.", "Kept two.", "Kept three.", '<h2 id="next">'):
        assert kept in reduced
    for gone in ("Nested", "Also left out", "img", "A whole section", "No id"):
        assert gone not in reduced


def test_materials_indexer_gives_the_same_entries_for_the_reduced_page():
    page = SimpleNamespace(meta={}, toc=[], url="x.html", title="Title")
    flat = PAGE.replace("<div><p>Nested, left out.</p></div>", "")
    assert index_entries(page, without_excluded(flat), None) == index_entries(page, flat, None)
    assert index_entries(page, PAGE, {"boost": 0.5})[0]["boost"] == 0.5
    # One difference, on purpose: Material's parser ends an exclusion at the first closing tag of the
    # same name, so text after a nested </div> would be indexed; here the whole element is left out.
    assert "Also left out" in index_entries(page, PAGE, None)[0]["text"]
    assert "Also left out" not in index_entries(page, without_excluded(PAGE), None)[0]["text"]


def test_jieba_keeps_whole_exactly_the_words_of_the_collection_it_was_last_given():
    collection = load(ROOT).collection
    theme = collection.themes[0]
    renamed = dataclasses.replace(theme, label=Text(zh="甲乙丙丁戊", en=theme.label.en))
    sentence = "他说甲乙丙丁戊了"
    assert "甲乙丙丁戊" in add_user_words(dataclasses.replace(collection, themes=(renamed, *collection.themes[1:])))
    assert "甲乙丙丁戊" in jieba.lcut(sentence)
    assert "甲乙丙丁戊" not in add_user_words(collection)  # renamed back, as `kb serve` sees an edit
    assert "甲乙丙丁戊" not in jieba.lcut(sentence)  # as in a process that never saw the other name


def test_the_traditional_to_simplified_table_is_carried_not_asked_of_opencc_again(monkeypatch):
    import opencc

    from kb import search_index

    search_index.traditional_to_simplified.cache_clear()
    table = search_index.traditional_to_simplified()
    assert table["學"] == "学" and table["習"] == "习" and "学" not in table and len(table) > 2000
    search_index.traditional_to_simplified.cache_clear()  # as in the next process, with what was carried

    def asked(*args, **kwargs):
        raise AssertionError("OpenCC was asked again")

    monkeypatch.setattr(opencc, "OpenCC", asked)
    assert search_index.traditional_to_simplified() == table
