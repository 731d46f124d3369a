"""Find glossary terms in text as whole words, in Chinese and in English.

Python-Markdown's abbreviations match on ``\\b`` and never fire inside Chinese text, so the
generator finds terms itself. In Chinese, jieba (with every glossary form added as a user word)
cuts the text into words, and a form matches only where it starts and ends on word boundaries:
核 in 核方法 is the kernel, 核 in 核心 is not. In English, a form matches case-insensitively on whole
words: the text is cut into runs of letters and digits, spaces and single marks, so "RCNN" holds
no "CNN".
"""

from __future__ import annotations

import logging
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from kb._jieba import jieba
from kb.dictionary import taught
from kb.content.model import LANGS, Term

jieba.setLogLevel(logging.WARNING)


@cache
def cut_cache(words: tuple[str, ...]) -> dict[tuple[str, str], list[tuple[str, int, int]]]:
    """Texts already cut by the tokenizer that knows ``words``, kept for the life of the process: a
    rebuild while serving cuts only the paragraphs that changed. (Callers must not modify the lists.)"""
    return {}


@dataclass(frozen=True, order=True)
class Match:
    start: int
    end: int
    term_id: str


@cache
def tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    """A jieba tokenizer of its own (the global one is left alone) that knows ``words``; it reads
    jieba's dictionary only where the texts it cuts need it (kb.dictionary)."""
    return taught(jieba.Tokenizer(), words)


_LATIN_TOKENS = re.compile(r"[^\W_]+|\s+|.", re.S)

# Chinese characters worth sharing with a second core: jieba cuts about 400,000 a second, and a fork of
# a large process costs some 20 ms.
SHARE_FROM = 100_000


def _ends(tokens: list[tuple[str, int, int]]) -> array:
    """A cut as where each token ends: the tokens of both cutters follow each other with no gap."""
    return array("L", [end for _, _, end in tokens])


def _from_ends(key: tuple[str, str], ends: array) -> list[tuple[str, int, int]]:
    text, start, tokens = key[1], 0, []
    for end in ends:
        tokens.append((text[start:end], start, end))
        start = end
    return tokens


class TermMatcher:
    """Finds every glossary term and alias in a text; see the module docstring for the rules.

    A text is cut into tokens once (jieba for Chinese; letter-and-digit runs, spaces and single
    marks for English); a form matches a run of whole tokens, and a run stops growing as soon as
    it is no longer the beginning of any form.
    """

    def __init__(self, terms: Sequence[Term]) -> None:
        self.forms: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}  # casefolded form -> term id
        written: set[str] = set()
        for term in terms:
            for lang in term.match_in:
                for form in term.forms(lang):
                    self.forms[lang].setdefault(form.casefold(), term.id)
                    written.add(form)
        # jieba's dictionary is case-sensitive: add the forms as written (百度IDL, not 百度idl).
        words = tuple(sorted(f for f in written if any("\u4e00" <= c <= "\u9fff" for c in f)))
        self.words = words  # the forms jieba was taught (its dictionary's additions)
        self.tokenizer = tokenizer(words)
        self._cut = cut_cache(words)
        # Every beginning of every form: a run of tokens that is not one of these cannot grow into a
        # match, so the search stops extending it at once.
        self.prefixes: dict[str, set[str]] = {
            lang: {form[:k] for form in forms for k in range(1, len(form) + 1)} for lang, forms in self.forms.items()}

    def tokens(self, text: str, lang: str) -> list[tuple[str, int, int]]:
        """(token, start, end) covering the whole text."""
        key = (lang, text)
        if key not in self._cut:
            self._cut[key] = self._tokens(key)
        return self._cut[key]

    def packed(self, text: str, lang: str) -> array:
        """The cut of ``text`` (made now if need be) as where each token ends: what a forked child that
        cut it sends back (kb.derive.indexes), a few numbers instead of every token."""
        return _ends(self.tokens(text, lang))

    def unpacked(self, text: str, lang: str, ends: array) -> None:
        """Keep a cut of ``text`` that a forked child made (:meth:`packed`), unless it is here already."""
        key = (lang, text)
        if key not in self._cut:
            self._cut[key] = _from_ends(key, ends)

    def _tokens(self, key: tuple[str, str]) -> list[tuple[str, int, int]]:
        lang, text = key
        if lang == "zh":
            return list(self.tokenizer.tokenize(text, HMM=True))
        return [(m[0], m.start(), m.end()) for m in _LATIN_TOKENS.finditer(text)]

    def find(self, text: str, lang: str, tokens: list[tuple[str, int, int]] | None = None) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest at each position."""
        forms, prefixes = self.forms[lang], self.prefixes[lang]
        tokens = self.tokens(text, lang) if tokens is None else tokens
        folded = text.casefold()
        if len(folded) != len(text):  # a rare character changed length when folded: fold slice by slice
            folded = None
        matches: list[Match] = []
        i = 0
        while i < len(tokens):
            best = None
            start = tokens[i][1]
            for j in range(i, len(tokens)):
                end = tokens[j][2]
                candidate = folded[start:end] if folded is not None else text[start:end].casefold()
                if candidate not in prefixes:
                    break
                term_id = forms.get(candidate)
                if term_id:
                    best = (j, Match(start, end, term_id))
            if best:
                matches.append(best[1])
                i = best[0] + 1
            else:
                i += 1
        return matches
