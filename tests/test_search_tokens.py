"""The build's cut of the search index (kb.search_tokens): the worker's rules, in Python."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from kb import memo
from kb.search_tokens import Cutter, js_separator, postings

from support.cut import CASES, SEPARATOR, T2S


def test_python_word_characters_are_exactly_letters_and_digits_besides_the_underscore():
    # The worker splits at [^\p{L}\p{N}'+#]; kb.search_tokens uses \w without "_" for \p{L}\p{N}.
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
    memo.forget()
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
    memo.forget()


def _docs(count: int) -> list[dict]:
    words = ["deep", "net", "gpu", "深度", "学习", "loss", "data", "paper"]
    return [{"title": f"{words[n % 8]} {n}", "text": " ".join(words[(n * k) % 8] for k in range(1, n % 5 + 2))}
            for n in range(count)]


EDITS = {
    "a text": lambda docs: docs[7].update(text="deep deep net fresh"),
    "a title": lambda docs: docs[0].update(title="net net gpu"),
    "a title and its text, same token": lambda docs: docs[3].update(title="paper paper paper", text="paper"),
    "a token gone from the index": lambda docs: [doc.update(text=doc["text"].replace("paper", "")) for doc in docs[:2]]
    and None,
    "an entry added at the end": lambda docs: docs.append({"title": "new", "text": "深度 brand"}),
    "the last entry removed": lambda docs: docs.pop() and None,
    "two entries swapped": lambda docs: docs.__setitem__(slice(4, 6), [docs[5], docs[4]]),
    "an entry inserted in the middle": lambda docs: docs.insert(10, {"title": "mid", "text": "gpu"}),
    "an entry emptied": lambda docs: docs[12].update(title="", text=""),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_postings_updated_after_an_edit_are_those_computed_from_nothing(edit):
    memo.forget()
    docs = _docs(40)
    postings(docs, SEPARATOR, {}, index="site")
    edited = [dict(doc) for doc in docs]
    EDITS[edit](edited)
    updated = postings(edited, SEPARATOR, {}, index="site")
    memo.forget()
    assert updated == postings(edited, SEPARATOR, {}, index="site")
    memo.forget()


def _after_a_first_pass(monkeypatch) -> tuple[list[dict], list[list[int]]]:
    """Forty entries whose postings were computed, and a list that every token's postings encoded from
    now on are added to."""
    from kb import search_tokens

    memo.forget()
    docs = _docs(40)
    postings(docs, SEPARATOR, {}, index="site")
    encoded: list[list[int]] = []
    encode = search_tokens.encode
    monkeypatch.setattr(search_tokens, "encode", lambda gaps: encoded.append(list(gaps)) or encode(gaps))
    return docs, encoded


def test_only_the_tokens_of_the_entries_that_changed_are_encoded_again(monkeypatch):
    docs, encoded = _after_a_first_pass(monkeypatch)
    assert docs[7] == {"title": "paper 7", "text": "paper data loss"}
    docs[7] = {"title": "net", "text": "fresh"}
    found = postings(docs, SEPARATOR, {}, index="site")
    assert "7" not in found  # only entry 7 had it: gone, nothing to encode
    assert len(encoded) == len({"paper", "data", "loss", "net", "fresh"})
    encoded.clear()
    postings([{"title": "all", "text": "new"}] * 40, SEPARATOR, {}, index="site")  # most changed: all again
    assert len(encoded) == 2
    memo.forget()


def test_an_edit_encodes_again_only_the_tokens_whose_pairs_changed(monkeypatch):
    docs, encoded = _after_a_first_pass(monkeypatch)
    docs[7] = {"title": "paper 7", "text": "paper data loss loss fresh"}  # was "paper data loss"
    found = postings(docs, SEPARATOR, {}, index="site")
    assert sorted(encoded) == sorted([json.loads(found["loss"]), json.loads(found["fresh"])])
    memo.forget()
    assert found == postings(docs, SEPARATOR, {}, index="site")
    memo.forget()


def test_a_second_pass_cuts_only_the_entries_that_changed(monkeypatch):
    memo.forget()
    docs = [{"title": f"T{i}", "text": f"text {i}"} for i in range(5)]
    first = postings(docs, SEPARATOR, {}, index="site")
    cut: list[str] = []
    counts = Cutter.counts
    monkeypatch.setattr(Cutter, "counts", lambda self, html: cut.append(html) or counts(self, html))
    docs[3] = {"title": "T3", "text": "changed"}
    second = postings(docs, SEPARATOR, {}, index="site")
    assert cut == ["T3", "changed"]
    memo.forget()
    assert second == postings(docs, SEPARATOR, {}, index="site") != first


def test_entries_share_each_tokens_string():
    """Thousands of entries hold the same tokens: each spelling is one string, so what is carried
    (kb.memo) holds it once."""
    cutter = Cutter(SEPARATOR, T2S)
    first, second = cutter.counts("深度 学习 learning"), cutter.counts("学习 theory learning")
    assert first == {"深度": 1, "学习": 1, "learning": 1}
    shared = {token: token for token in second}
    assert all(shared[token] is token for token in first if token in shared) and len(shared.keys() & first) == 2
