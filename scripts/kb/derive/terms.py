"""Find glossary terms in text as whole words, in Chinese and in English.

Python-Markdown's abbreviations match on ``\\b`` and never fire inside Chinese text, so the
generator finds terms itself. In Chinese, jieba (with every glossary form added as a user word)
cuts the text into words, and a form matches only where it starts and ends on word boundaries:
核 in 核方法 is the kernel, 核 in 核心 is not. In English, a form matches case-insensitively on whole
words: the text is cut into runs of letters and digits, spaces and single marks, so "RCNN" holds
no "CNN".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kb.content.model import LANGS, Term
from kb.derive.segment import Segmenter, Token, has_han


@dataclass(frozen=True, order=True)
class Match:
    start: int
    end: int
    term_id: str


_LATIN_TOKENS = re.compile(r"[^\W_]+|\s+|.", re.S)


class TermMatcher:
    """Finds every glossary term and alias in a text; see the module docstring for the rules.

    A text is cut into tokens once (jieba for Chinese; letter-and-digit runs, spaces and single
    marks for English); a form matches a run of whole tokens, and a run stops growing as soon as
    it is no longer the beginning of any form.
    """

    def __init__(self, terms: Sequence[Term], segmenter: Segmenter | None = None) -> None:
        self.forms: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}  # casefolded form -> term id
        written: set[str] = set()
        for term in terms:
            for lang in term.match_in:
                for form in term.forms(lang):
                    self.forms[lang].setdefault(form.casefold(), term.id)
                    written.add(form)
        # jieba's dictionary is case-sensitive: the forms are taught as written (百度IDL, not 百度idl).
        # ``segmenter`` must know them (kb.derive.indexes.collection_words); by default, one that knows
        # only them.
        self.words = tuple(sorted(f for f in written if has_han(f)))
        self.segmenter = segmenter or Segmenter(self.words)
        # Every beginning of every form: a run of tokens that is not one of these cannot grow into a
        # match, so the search stops extending it at once.
        self.prefixes: dict[str, set[str]] = {
            lang: {form[:k] for form in forms for k in range(1, len(form) + 1)} for lang, forms in self.forms.items()}

    def tokens(self, text: str, lang: str) -> list[Token]:
        """(token, start, end) covering the whole text: words for Chinese; runs of letters and digits,
        spaces and single marks for English."""
        if lang == "zh":
            return self.segmenter.tokens(text)
        return [(m[0], m.start(), m.end()) for m in _LATIN_TOKENS.finditer(text)]

    def find(self, text: str, lang: str, tokens: list[Token] | None = None) -> list[Match]:
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
