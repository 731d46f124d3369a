"""kb.search.text: Han runs cut into words joined by U+200B, as Material's search plugin did."""

from __future__ import annotations

from kb.derive.segment import Segmenter
from kb.search.text import ZWSP, join_words, segment

SEGMENTER = Segmenter(["集中不等式"])


def test_words_are_joined_with_zero_width_spaces_only_where_han_is_involved():
    assert join_words(["深度", "学习", " ", "Deep", " ", "Learning", "。"]) == f"深度{ZWSP}学习{ZWSP} Deep Learning。"
    assert join_words(["百度IDL", "很", "好"]) == f"百度{ZWSP}IDL{ZWSP}很{ZWSP}好"  # a mixed word is split too
    assert join_words(["RCNN", ",", "work"]) == "RCNN,work"


def test_each_han_run_is_cut_and_set_apart_other_script_left_as_it_is():
    assert segment("用CNN做detection的paper", SEGMENTER) == f"用{ZWSP}CNN{ZWSP}做{ZWSP}detection{ZWSP}的{ZWSP}paper"
    assert segment("<p>知乎上有人问：</p>", SEGMENTER) == f"<p>{ZWSP}知乎{ZWSP}上{ZWSP}有人{ZWSP}问{ZWSP}：</p>"
    assert segment("no Han here, <b>&amp;</b>", SEGMENTER) == "no Han here, <b>&amp;</b>"


def test_the_runs_cut_at_once_are_cut_as_each_run_alone():
    text = "他说集中不等式很难。深度学习难在哪里？R-CNN是第一个把CNN检测做work的。"
    runs = ["他说集中不等式很难", "深度学习难在哪里", "是第一个把", "检测做", "的"]
    expected = text
    for run in runs:
        expected = expected.replace(run, ZWSP + ZWSP.join(SEGMENTER.words_of(run)) + ZWSP, 1)
    assert segment(text, SEGMENTER) == expected.strip(ZWSP)
    assert "集中不等式" in segment(text, SEGMENTER).split(ZWSP)  # the taught word stays whole
    assert segment(text, SEGMENTER).replace(ZWSP, "") == text
