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
    expected = [["deep", "network", "gpus", "it"],                          # Snowball keeps -us
                ["深度学习", "的", "gpu"],                                   # NFKC, traditional made simplified
                ["c++", "c#", "e", "mail", "x", "y", "quot", "tis"],
                ["深度", "学习's"],                                         # Han: trimmed, never stemmed
                ["glass", "studi", "bias", "is"],
                ["οδος", "deep", "カタカナ", "a", "b", "a", "b", "istanbul", "2012年", "〇七"]]
    assert [cut(text) for text in CASES] == expected


def test_postings_give_gaps_and_codes_tokens_in_code_point_order():
    docs = [{"title": "Deep", "text": "deep nets"}, {"title": "Other", "text": ""},
            {"title": "Nets", "text": "deep deep 深度"}]
    found = postings(docs, SEPARATOR, {})
    assert list(found) == ["deep", "net", "other", "深度"]
    assert {token: json.loads(gaps) for token, gaps in found.items()} == {
        "deep": [0, 4, 0, 5, 2, 9],   # code = 4 * count + field: entry 0 title once, text once, entry 2 text twice
        "net": [0, 5, 2, 4],           # entry 0 text once, entry 2 (gap 2) title once
        "other": [1, 4],
        "深度": [2, 5],
    }
    assert found["deep"] == json.dumps([0, 4, 0, 5, 2, 9], separators=(",", ":"))


def test_an_entry_without_title_or_text_holds_no_token_and_keeps_its_number():
    found = postings([{"title": "", "text": ""}, {"location": "x.html"}, {"title": "deep"}], SEPARATOR, {})
    assert found == {"deep": "[2,4]"}


def test_traditional_characters_are_indexed_as_simplified():
    assert postings([{"title": "深度學習", "text": "學"}], SEPARATOR, T2S) == {"学": "[0,5]", "深度学习": "[0,4]"}


def test_english_words_are_stemmed_by_snowball_and_diacritics_folded():
    cut = Cutter(SEPARATOR, T2S).tokens
    assert cut("generalize generalization generalizations") == ["general"] * 3
    assert cut("Gödel GÖDEL Godel naïve") == ["godel", "godel", "godel", "naiv"]
    assert cut("Moore's laws") == ["moor", "law"]


def test_metadata_and_the_other_language_are_fields_of_their_own():
    found = postings([{"title": "t", "text": "a", "meta": "b", "other": "c"}], SEPARATOR, {})
    assert found == {"t": "[0,4]", "a": "[0,5]", "b": "[0,6]", "c": "[0,7]"}


def test_the_workers_stemmer_is_the_one_generated_from_snowballstemmer():
    from kb.search.stemmer_js import WORKER, current, generated

    assert current(WORKER.read_text(encoding="utf-8")) == generated()


def test_every_combining_mark_is_folded_away_in_and_beyond_the_basic_plane():
    """fold looks for marks past U+FFFF only in a text that reaches there: each plane's marks, one
    after a Han and a Latin letter, are dropped (the worker drops every \\p{Mn} after NFKD)."""
    import unicodedata

    from kb.search.tokens import fold

    marks = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Mn"]
    assert any(ord(m) > 0xFFFF for m in marks) and any(ord(m) <= 0xFFFF for m in marks)
    for mark in marks:
        assert fold(f"学习a{mark}b") == unicodedata.normalize("NFC", "学习ab"), f"U+{ord(mark):04X}"
    assert fold("深度学习 Gödel \U00020000") == "深度学习 Godel \U00020000"
