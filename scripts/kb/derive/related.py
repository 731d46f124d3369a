"""Related answers: the three entries most like each one, with the reason why.

Similarity of two entries = Jaccard overlap of their themes + cosine similarity of their keyword
vectors. Keywords are jieba's TF-IDF keywords of the Chinese text (cut with the glossary-aware
tokenizer, so 集中不等式 counts as one word), weighted by TF-IDF; a keyword that a third or more of
the entries share (深度学习, 问题: the thread's own subject) says nothing about any pair and is
dropped. Ties are broken by reading order, so the result is the same on every run. The reason
lists the shared themes and the strongest shared keywords.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kb.content.model import Answer

TOP_KEYWORDS = 40
RELATED = 3
CANDIDATE_CAP = 200  # a keyword held by more entries than this is too common to find neighbours by
CANDIDATE_KEYWORDS = 10  # neighbours are looked up through an entry's strongest keywords only
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


# jieba's TF-IDF stop list (``jieba.analyse.TFIDF.STOP_WORDS``; a test keeps the two equal).
JIEBA_STOP_WORDS = frozenset([
    "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be", "as", "on", "with", "can",
    "if", "from", "which", "you", "it", "this", "then", "at", "have", "all", "not", "one", "has", "or",
])


@dataclass(frozen=True)
class Idf:
    freq: dict[str, float]  # word -> inverse document frequency
    median: float  # what a word missing from the table is given


@cache
def idf() -> Idf:
    """jieba's IDF table, read from its file as jieba's TF-IDF extractor reads it (a test checks the two
    are equal), without importing ``jieba.analyse``, which loads jieba's dictionary too."""
    import jieba

    freq: dict[str, float] = {}
    with open(Path(jieba.__file__).parent / "analyse" / "idf.txt", encoding="utf-8") as lines:
        for line in lines:
            word, value = line.strip().split(" ")
            freq[word] = float(value)
    return Idf(freq, sorted(freq.values())[len(freq) // 2])


_ALL_STOP_WORDS = JIEBA_STOP_WORDS | STOP_WORDS


def keywords(tokens: Iterable[str]) -> dict[str, float]:
    """jieba's TF-IDF keywords (as its extract_tags computes them) from an entry's Chinese tokens."""
    counts: Counter[str] = Counter()
    for token in tokens:
        word = token.strip().casefold()  # "Learning" and "learning" are one keyword
        if len(word) > 1 and not word.isdigit() and word not in _ALL_STOP_WORDS:
            counts[word] += 1
    total = sum(counts.values()) or 1
    table = idf()
    weights = {w: n / total * table.freq.get(w, table.median) for w, n in counts.items()}
    top = sorted(weights, key=lambda w: (-weights[w], w))[:TOP_KEYWORDS]
    return {w: weights[w] for w in top}


def _norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _theme_neighbours(answers: Sequence[Answer], want: int) -> dict[frozenset, list[str]]:
    """For each distinct theme set, the ``want`` entries whose themes overlap it most (reading order
    breaks ties). There are far fewer theme sets than entries, so this ranks sets, not pairs."""
    members: dict[frozenset, list[str]] = {}
    for answer in answers:
        members.setdefault(frozenset(answer.themes), []).append(answer.id)
    result = {}
    for mask in members:
        ranked = sorted(members, key=lambda other: -len(mask & other) / len(mask | other))
        picked: list[str] = []
        for other in ranked:
            picked.extend(members[other][: want + 1 - len(picked)])
            if len(picked) > want:
                break
        result[mask] = picked
    return result


def related_answers(answers: Sequence[Answer],
                    vectors_of: Mapping[str, dict[str, float]]) -> dict[str, tuple[Related, ...]]:
    """The top three for every entry, scored exactly among candidates: the entries sharing one of its
    strongest keywords (through an inverted index, skipping keywords too common to discriminate) and
    the entries whose themes overlap most. On a small collection every keyword counts, so the result
    is the exact all-pairs ranking; the work grows with N, not N squared. ``vectors_of`` holds each
    entry's :func:`keywords`, by id."""
    frequency = Counter(word for vector in vectors_of.values() for word in vector)
    common = frozenset(word for word, n in frequency.items() if n >= max(3, len(answers) / 3))
    vectors = {key: {w: x for w, x in vector.items() if w not in common} for key, vector in vectors_of.items()}
    postings: dict[str, list[str]] = {}
    for answer in answers:
        for word in vectors[answer.id]:
            postings.setdefault(word, []).append(answer.id)
    by_themes = _theme_neighbours(answers, 3 * RELATED)
    scorer = _Scorer(vectors, postings, {a.id: a for a in answers}, {a.id: i for i, a in enumerate(answers)})

    def lookup(key: str) -> Iterable[str]:
        """The keywords candidates are found by: all of them in a small collection, the strongest else."""
        vector = vectors[key]
        if len(answers) <= CANDIDATE_CAP:
            return vector
        return sorted(vector, key=lambda w: (-vector[w], w))[:CANDIDATE_KEYWORDS]

    return {a.id: scorer.top(a, lookup(a.id), by_themes[frozenset(a.themes)]) for a in answers}


class _Scorer:
    def __init__(self, vectors: dict[str, dict[str, float]], postings: dict[str, list[str]],
                 by_id: dict[str, Answer], position: dict[str, int]) -> None:
        self.vectors, self.postings, self.by_id, self.position = vectors, postings, by_id, position
        self.norms = {key: _norm(vector) for key, vector in vectors.items()}
        self.themes = {key: frozenset(answer.themes) for key, answer in by_id.items()}

    def dots(self, mine: dict[str, float], candidates: set[str]) -> dict[str, float]:
        """Dot products of ``mine`` with the candidates' vectors (those that share a keyword), summed in
        the order of its keywords, so the same floats as a pairwise sum: through the postings of its
        keywords, or candidate by candidate, whichever walks less. The
        postings grow with N (a keyword held by a few per cent of the entries), the candidates do not:
        walking the postings alone made scoring O(N²)."""
        vectors, postings = self.vectors, self.postings
        through_postings = sum(len(postings[word]) for word in mine) <= len(candidates) * len(mine)
        dots: dict[str, float] = {}
        if through_postings:
            for word, weight in mine.items():
                for other_id in postings[word]:
                    if other_id in candidates:
                        dots[other_id] = dots.get(other_id, 0.0) + weight * vectors[other_id][word]
        else:
            for other_id in candidates:
                theirs, dot, shared = vectors[other_id], 0.0, False
                for word, weight in mine.items():
                    if word in theirs:
                        dot, shared = dot + weight * theirs[word], True
                if shared:
                    dots[other_id] = dot
        return dots

    def score(self, key: str, other_id: str, dot: float) -> float:
        """How alike two entries are, given the dot product of their vectors (rounded, so that equal
        scores tie exactly and reading order decides)."""
        mine, theirs = self.themes[key], self.themes[other_id]
        themes_score = len(mine & theirs) / len(mine | theirs)
        cosine = dot / (self.norms[key] * self.norms[other_id]) if dot else 0.0
        return round(themes_score + cosine, 6)

    def top(self, answer: Answer, words: Iterable[str], by_themes: list[str]) -> tuple[Related, ...]:
        vectors, postings, by_id = self.vectors, self.postings, self.by_id
        candidates = {other for word in words if len(postings[word]) <= CANDIDATE_CAP for other in postings[word]}
        candidates.update(by_themes)
        candidates.discard(answer.id)
        mine = vectors[answer.id]
        dots = self.dots(mine, candidates)
        # Score every candidate, then describe only the winners (the reasons cost more than the scores).
        scored = []
        for other_id in candidates:
            score = self.score(answer.id, other_id, dots.get(other_id, 0.0))
            if score > 0:
                scored.append((-score, self.position[other_id], other_id))
        related = []
        for negative, _, other_id in heapq.nsmallest(RELATED, scored):
            theirs = vectors[other_id]
            shared = [w for w in mine if w in theirs]
            shared_words = sorted(shared, key=lambda w: (-min(mine[w], theirs[w]), w))
            shared_themes = tuple(t for t in answer.themes if t in by_id[other_id].themes)
            related.append(Related(other_id, -negative, shared_themes, tuple(shared_words[:3])))
        return tuple(related)
