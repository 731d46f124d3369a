"""kb.search_text: the search entries of answer pages, made from the model instead of the HTML."""

from __future__ import annotations

import html

import jieba

from kb.derive import derive
from kb.load import load
from kb.model import oneline
from kb.render import Words
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
