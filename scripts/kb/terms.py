"""Find glossary terms in text as whole words, in Chinese and in English.

Python-Markdown's abbreviations match on ``\\b`` and never fire inside Chinese text, so the
generator finds terms itself. In Chinese, jieba (with every glossary form added as a user word)
cuts the text into words, and a form matches only where it starts and ends on word boundaries:
核 in 核方法 is the kernel, 核 in 核心 is not. In English, a form matches case-insensitively where
it is not preceded or followed by a letter or digit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jieba

from kb.model import LANGS, Term

jieba.setLogLevel(logging.WARNING)


@dataclass(frozen=True, order=True)
class Match:
    start: int
    end: int
    term_id: str


@cache
def tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    """A jieba tokenizer of its own (the global one is left alone) that knows ``words``."""
    tk = jieba.Tokenizer()
    tk.initialize()
    for word in words:
        tk.add_word(word)
    return tk


class TermMatcher:
    """Finds every glossary term and alias in a text; see the module docstring for the rules."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.forms: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}  # casefolded form -> term id
        for term in terms:
            for lang in term.match_in:
                for form in term.forms(lang):
                    self.forms[lang].setdefault(form.casefold(), term.id)
        self.longest = max((len(f) for forms in self.forms.values() for f in forms), default=0)
        chinese_words = sorted(f for f in self.forms["zh"] if any("\u4e00" <= c <= "\u9fff" for c in f))
        self.tokenizer = tokenizer(tuple(chinese_words))

    def boundaries(self, text: str, lang: str) -> list[int]:
        if lang == "zh":
            cuts = {0, len(text)}
            for _, start, end in self.tokenizer.tokenize(text, HMM=False):
                cuts.update((start, end))
            return sorted(cuts)
        cuts = set()
        for i in range(len(text) + 1):
            before = i > 0 and text[i - 1].isalnum()
            after = i < len(text) and text[i].isalnum()
            if before != after:
                cuts.add(i)
        return sorted(cuts)

    def find(self, text: str, lang: str) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest at each position."""
        forms = self.forms[lang]
        cuts = self.boundaries(text, lang)
        matches: list[Match] = []
        taken = 0
        for i, start in enumerate(cuts):
            if start < taken:
                continue
            best = None
            for end in cuts[i + 1 :]:
                if end - start > self.longest:
                    break
                term_id = forms.get(text[start:end].casefold())
                if term_id:
                    best = Match(start, end, term_id)
            if best:
                matches.append(best)
                taken = best.end
        return matches
