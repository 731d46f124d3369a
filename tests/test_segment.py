"""rjieba cuts every text of the collection into the same Han words as jieba, taught the same words."""

from __future__ import annotations

import re

import jieba
import pytest

from kb.content.load import load
from kb.content.model import LANGS
from kb.derive.indexes import collection_words
from kb.derive.segment import Segmenter, has_han, user_dictionary

from support.site import ROOT

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@pytest.fixture(scope="module")
def collection():
    return load(ROOT).collection


@pytest.fixture(scope="module")
def both(collection, tmp_path_factory):
    """rjieba through kb's Segmenter, and jieba with the same words as its user dictionary."""
    words = collection_words(collection)
    userdict = tmp_path_factory.mktemp("jieba") / "user.txt"
    userdict.write_text(user_dictionary(words), encoding="utf-8")
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(userdict))
    return Segmenter(words), tokenizer


def _texts(collection):
    for answer in collection.answers:
        for lang in LANGS:
            yield from answer.body(lang)
        yield answer.summary.zh
    for term in collection.terms:
        yield term.definition.zh


def test_rjieba_cuts_every_han_run_of_the_collection_as_jieba_does(collection, both):
    ours, theirs = both
    texts = list(_texts(collection))
    assert texts
    for text in texts:
        mine = [w for w in ours.words_of(text) if has_han(w)]
        jiebas = [w for w in theirs.cut(text, HMM=True) if has_han(w)]
        assert mine == jiebas, text[:60]


def test_the_collections_own_words_stay_whole(collection, both):
    ours, _ = both
    whole = [t for t in collection.terms if _HAN_RUN.fullmatch(t.zh)]  # jieba cuts at "·" whatever it is taught
    assert whole
    for term in whole:
        assert term.zh in ours.words_of(f"我们讨论{term.zh}的问题"), term.zh


def test_hyphenated_ascii_is_split_at_each_hyphen_as_jieba_does(both):
    ours, theirs = both
    text = "Fast R-CNN和e-mail"
    assert ours.words_of(text) == list(theirs.cut(text, HMM=True))


def test_a_token_covers_its_text_exactly(both):
    ours, _ = both
    text = "集中不等式（Concentration Inequality）是R-CNN的基础？"
    tokens = ours.tokens(text)
    assert "".join(word for word, _, _ in tokens) == text
    assert all(text[start:end] == word for word, start, end in tokens)
    assert _HAN_RUN.search(text)
