"""Related answers: the three entries most like each one, with the reason why.

Similarity of two entries = Jaccard overlap of their themes + cosine similarity of their keyword
vectors. Keywords are jieba's TF-IDF keywords of the Chinese text (cut with the glossary-aware
tokenizer, so 集中不等式 counts as one word), weighted by TF-IDF; a keyword that a third or more of
the entries share (深度学习, 问题: the thread's own subject) says nothing about any pair and is
dropped. Ties are broken by reading order, so the result is the same on every run. The reason
lists the shared themes and the strongest shared keywords.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jieba.analyse

from kb.model import Answer
from kb.terms import TermMatcher

TOP_KEYWORDS = 40
RELATED = 3
# Function words that jieba's TF-IDF stop list lacks; they are frequent but say nothing.
STOP_WORDS = frozenset([
    "这个", "那个", "这些", "那些", "什么", "一个", "一些", "我们", "他们", "你们", "自己", "可以",
    "没有", "就是", "这样", "那样", "因为", "所以", "但是", "如果", "还是", "或者", "以及", "而且",
    "然而", "不是", "这种", "那种", "其实", "可能", "已经", "现在", "时候", "东西", "怎么",
])


@dataclass(frozen=True)
class Related:
    answer_id: str
    score: float
    themes: tuple[str, ...]  # shared theme ids
    keywords: tuple[str, ...]  # shared keywords (Chinese), strongest first


@cache
def extractor_for(matcher: TermMatcher) -> jieba.analyse.TFIDF:
    extractor = jieba.analyse.TFIDF()
    extractor.tokenizer = matcher.tokenizer
    extractor.postokenizer = jieba.posseg.POSTokenizer(matcher.tokenizer)
    extractor.stop_words = extractor.stop_words | STOP_WORDS
    return extractor


def keywords(answer: Answer, matcher: TermMatcher) -> dict[str, float]:
    text = "\n".join(answer.paragraphs)
    pairs = extractor_for(matcher).extract_tags(text, topK=TOP_KEYWORDS, withWeight=True)
    vector: dict[str, float] = {}
    for word, weight in pairs:
        if len(word) > 1 and not word.isdigit():
            key = word.casefold()  # "Learning" and "learning" are one keyword
            vector[key] = vector.get(key, 0.0) + weight
    return vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b[word] for word, weight in a.items() if word in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def related_answers(answers: Sequence[Answer], matcher: TermMatcher) -> dict[str, tuple[Related, ...]]:
    vectors = {a.id: keywords(a, matcher) for a in answers}
    frequency = Counter(word for vector in vectors.values() for word in vector)
    common = {word for word, n in frequency.items() if n >= max(3, len(answers) / 3)}
    vectors = {key: {w: x for w, x in vector.items() if w not in common} for key, vector in vectors.items()}
    result: dict[str, tuple[Related, ...]] = {}
    for answer in answers:
        candidates = []
        for position, other in enumerate(answers):
            if other.id == answer.id:
                continue
            shared_themes = tuple(t for t in answer.themes if t in other.themes)
            themes_score = len(shared_themes) / len(set(answer.themes) | set(other.themes))
            mine, theirs = vectors[answer.id], vectors[other.id]
            shared_words = sorted((w for w in mine if w in theirs), key=lambda w: (-min(mine[w], theirs[w]), w))
            score = round(themes_score + _cosine(mine, theirs), 6)
            candidates.append((-score, position, Related(other.id, score, shared_themes, tuple(shared_words[:3]))))
        result[answer.id] = tuple(r for _, _, r in sorted(candidates)[:RELATED])
    return result
