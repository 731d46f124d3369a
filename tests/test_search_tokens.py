"""The build's cut of the search index (kb.search.tokens): the worker's rules, in Python."""

from __future__ import annotations

import json
import re
import unicodedata

from kb.search.tokens import Cutter, js_separator, postings

from support.cut import CASES, SEPARATOR, T2S


def test_python_word_characters_are_exactly_letters_and_digits_besides_the_underscore():
    # The worker splits at [^\p{L}\p{N}'+#]; kb.search.tokens uses \w without "_" for \p{L}\p{N}.
    word = re.compile(r"\w")
    odd = [hex(code) for code in range(0x110000)
           if (unicodedata.category(chr(code))[0] in "LN") != (chr(code) != "_" and bool(word.match(chr(code))))]
    assert odd == []


def test_the_separator_gets_javascripts_whitespace_inside_and_outside_a_class():
    inside, outside = js_separator(SEPARATOR), js_separator(r"\s+|/")
    for pattern in (inside, outside):
        assert pattern.split("a\ufeffb") == ["a", "b"]      # JavaScript's \s has U+FEFF
        assert pattern.split("a\x1cb") == ["a\x1cb"]        # Python's \s would split here
    assert inside.split("深度、学习（DL）") == ["深度", "学习", "DL", ""]
    assert outside.split("a/b c") == ["a", "b", "c"]


def test_the_cut_follows_the_workers_rules():
    cut = Cutter(SEPARATOR, T2S).tokens
    expected = [["deep", "network", "gpu", "it"],
                ["深度学习", "的", "gpu"],                                   # NFKC, traditional made simplified
                ["c++", "c#", "e", "mail", "x", "y", "quoted", "tis"],
                ["深度", "学习's"],                                         # Han: trimmed, never stemmed
                ["glass", "study", "bia", "is"],
                ["οδος", "deep", "カタカナ", "a", "b", "a", "b", "i", "stanbul", "2012年", "〇七"]]
    assert [cut(text) for text in CASES] == expected


def test_postings_give_gaps_and_codes_tokens_in_code_point_order():
    docs = [{"title": "Deep", "text": "deep nets"}, {"title": "Other", "text": ""},
            {"title": "Nets", "text": "deep deep 深度"}]
    found = postings(docs, SEPARATOR, {})
    assert list(found) == ["deep", "net", "other", "深度"]
    assert {token: json.loads(gaps) for token, gaps in found.items()} == {
        "deep": [0, 2, 0, 3, 2, 5],   # entry 0 title once, entry 0 text once, entry 2 text twice
        "net": [0, 3, 2, 2],           # entry 0 text once, entry 2 (gap 2) title once
        "other": [1, 2],
        "深度": [2, 3],
    }
    assert found["deep"] == json.dumps([0, 2, 0, 3, 2, 5], separators=(",", ":"))


def test_an_entry_without_title_or_text_holds_no_token_and_keeps_its_number():
    found = postings([{"title": "", "text": ""}, {"location": "x.html"}, {"title": "deep"}], SEPARATOR, {})
    assert found == {"deep": "[2,2]"}


def test_traditional_characters_are_indexed_as_simplified():
    assert postings([{"title": "深度學習", "text": "學"}], SEPARATOR, T2S) == {"学": "[0,3]", "深度学习": "[0,2]"}
