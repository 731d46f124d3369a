"""`kb terms --suggest`: words the collection uses often that the glossary lacks, for editors."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jieba.analyse
import jieba.posseg

from kb.content.model import Answer
from kb.derive.related import STOP_WORDS
from kb.derive.terms import TermMatcher

NOUNS = ("n", "nz", "vn", "nt", "nr", "ns", "eng")


@cache
def tokenizer_for(matcher: TermMatcher) -> jieba.Tokenizer:
    """jieba's own tokenizer, taught the glossary's forms: its part-of-speech tagger (which picks
    nouns for editors) needs jieba's, not rjieba's. (An editor's tool; the build cuts with rjieba.)"""
    tokenizer = jieba.Tokenizer()
    for word in matcher.words:
        tokenizer.add_word(word)
    return tokenizer


@cache
def extractor_for(matcher: TermMatcher) -> jieba.analyse.TFIDF:
    """jieba's TF-IDF extractor with our tokenizer and stop words (its IDF table shared with jieba's
    default extractor rather than read again)."""
    extractor = copy.copy(jieba.analyse.default_tfidf)
    extractor.tokenizer = tokenizer_for(matcher)
    extractor.stop_words = extractor.stop_words | STOP_WORDS
    return extractor


@dataclass(frozen=True)
class Suggestion:
    word: str
    count: int  # occurrences in the Chinese text of all entries
    answers: tuple[str, ...]  # ids of the entries it occurs in, in reading order


def suggest_terms(answers: Sequence[Answer], matcher: TermMatcher, limit: int = 30) -> list[Suggestion]:
    """Nouns among the entries' keywords (jieba TF-IDF) that no glossary form covers.

    Ranked by occurrences times jieba's inverse document frequency, so that a specialised word used
    five times outranks an everyday word used twenty times.
    """
    known = set(matcher.forms["zh"])
    extractor = copy.copy(extractor_for(matcher))
    extractor.postokenizer = jieba.posseg.POSTokenizer(tokenizer_for(matcher))  # for allowPOS
    candidates: set[str] = set()
    for answer in answers:
        text = "\n".join(answer.paragraphs)
        found = extractor.extract_tags(text, topK=40, allowPOS=NOUNS)
        candidates.update(w.casefold() for w in found if len(w) > 1 and not w.isdigit())
    candidates = {w for w in candidates
                  if w not in STOP_WORDS and not any(w in form or form in w for form in known if len(form) > 1)}
    counts: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for answer in answers:
        for paragraph in answer.paragraphs:
            for word, _, _ in tokenizer_for(matcher).tokenize(paragraph, HMM=False):
                key = word.casefold()
                if key in candidates:
                    counts[key] += 1
                    if answer.id not in where.setdefault(key, []):
                        where[key].append(answer.id)
    idf = extractor.idf_freq
    weight = {w: counts[w] * idf.get(w, extractor.median_idf) for w in counts}
    ranked = sorted(counts, key=lambda w: (-weight[w], -counts[w], w))
    return [Suggestion(w, counts[w], tuple(where[w])) for w in ranked[:limit]]
