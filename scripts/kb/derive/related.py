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
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from kb._jieba import jieba
from kb.forked import shared_map
from kb.memo import Carry, Latest, Table
from kb.content.model import Answer, hashed_once
from kb.derive.terms import TermMatcher

TOP_KEYWORDS = 40
RELATED = 3
CANDIDATE_CAP = 200  # a keyword held by more entries than this is too common to find neighbours by
CANDIDATE_KEYWORDS = 10  # neighbours are looked up through an entry's strongest keywords only
SHARE_FROM = 300  # entries to score worth sharing with a second core: about 0.1 s of scoring
# Function words that jieba's TF-IDF stop list lacks; they are frequent but say nothing.
STOP_WORDS = frozenset([
    "这个", "那个", "这些", "那些", "什么", "一个", "一些", "我们", "他们", "你们", "自己", "可以",
    "没有", "就是", "这样", "那样", "因为", "所以", "但是", "如果", "还是", "或者", "以及", "而且",
    "然而", "不是", "这种", "那种", "其实", "可能", "已经", "现在", "时候", "东西", "怎么",
])


@hashed_once
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
def _idf_file() -> bytes:
    """jieba's IDF file (UTF-8), a line break before its first line: each entry is then ``\nword value``.
    Kept as bytes: a lookup finds a word's line in them, and decoding the whole file (6 MB) took
    longer than reading it and finding a few words (27 ms against 3 ms, and 2 ms per word)."""
    return b"\n" + (Path(jieba.__file__).parent / "analyse" / "idf.txt").read_bytes()


@cache
def idf() -> Idf:
    """jieba's IDF table, read from its file as jieba's TF-IDF extractor reads it (a test checks the
    two are equal). Not through ``jieba.analyse``: importing that loads jieba's part-of-speech tagger
    too, a second reading of the whole dictionary that only `kb terms --suggest` needs, and half a
    second of a rebuild that recomputes one entry's keywords."""
    freq: dict[str, float] = {}
    for line in _idf_file()[1:].decode("utf-8").splitlines():
        word, value = line.strip().split(" ")
        freq[word] = float(value)
    return Idf(freq, sorted(freq.values())[len(freq) // 2])


def _idf_in_file(word: str) -> float | None:
    """The IDF of ``word`` found in jieba's file without reading it into a table (its last line, as in
    the table; None when the file has none): a rebuild that brings a few new words needs only those."""
    data, line = _idf_file(), f"\n{word} ".encode()
    at = data.rfind(line)
    if at < 0:
        return None
    end = data.find(b"\n", at + 1)
    return float(data[at + len(line):end if end >= 0 else None])


_ALL_STOP_WORDS = JIEBA_STOP_WORDS | STOP_WORDS
# The IDF of every word looked up so far, carried: jieba's table (a quarter of a second to read) is read
# only when many words are not among them (a build from nothing); a few are looked up in the file.
_IDF_KNOWN: Table[str, float] = Table("related.idf")
_IDF_MEDIAN: Latest[float] = Latest("related.idf.median")  # what a word not in the table is given
LOOKUPS = 50  # more words than this looked up in the file by one process: the whole table is read
_looked_up = 0


def _idf_of(words: Iterable[str]) -> Table[str, float]:
    """A table that holds the IDF of each of ``words`` (and of the words looked up before)."""
    global _looked_up
    missing = [word for word in words if word not in _IDF_KNOWN]
    if missing and (_looked_up + len(missing) > LOOKUPS or idf.cache_info().currsize):
        table = idf()
        _IDF_MEDIAN.value = table.median
        for word in missing:
            _IDF_KNOWN[word] = table.freq.get(word, table.median)
        return _IDF_KNOWN
    _looked_up += len(missing)
    for word in missing:
        found = _idf_in_file(word)
        if found is None:
            if _IDF_MEDIAN.value is None:
                _IDF_MEDIAN.value = idf().median
            found = _IDF_MEDIAN.value
        _IDF_KNOWN[word] = found
    return _IDF_KNOWN


def keywords(tokens: Iterable[str]) -> dict[str, float]:
    """jieba's TF-IDF keywords (as its extract_tags computes them) from an entry's Chinese tokens."""
    counts: Counter[str] = Counter()
    for token in tokens:
        word = token.strip().casefold()  # "Learning" and "learning" are one keyword
        if len(word) > 1 and not word.isdigit() and word not in _ALL_STOP_WORDS:
            counts[word] += 1
    total = sum(counts.values()) or 1
    known = _idf_of(counts)
    weights = {w: n / total * known[w] for w, n in counts.items()}
    top = sorted(weights, key=lambda w: (-weights[w], w))[:TOP_KEYWORDS]
    # One string per keyword: the carried keywords (40 per entry) hold a few thousand words.
    return {sys.intern(w): weights[w] for w in top}


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


@dataclass(frozen=True)
class _Pass:
    """What every entry's result depended on in the last call: reading order, themes, the theme
    neighbours derived from them, and the keywords dropped as too common."""

    order: tuple[str, ...]
    themes: dict[str, tuple[str, ...]]
    by_themes: dict[frozenset, list[str]]
    common: frozenset[str]


class _Scored(NamedTuple):
    """An entry as the last call scored it: its keywords as computed (the carried dict, with the
    common ones), the keywords it found candidates by, and its result."""

    keywords: dict[str, float]
    strongest: list[str]
    result: tuple[Related, ...]


# The last call, carried in two parts (kb.memo): what all entries depend on, saved when it changes,
# and each entry as scored, saved entry by entry. Carried whole, as one value, it went to the file of
# changes after every edit (1.1 MB at N = 1,000, 13 ms to read back in the next build).
_LAST: Latest[_Pass] = Latest("related.last")
_SCORED: Table[str, _Scored] = Table("related.scored")
_KEYWORDS: Carry[tuple[str, ...], dict[str, float]] = Carry("related.keywords")  # an entry's text -> its keywords


def _without(vector: dict[str, float], common: frozenset[str]) -> dict[str, float]:
    return {w: x for w, x in vector.items() if w not in common}


def last_vectors() -> dict[str, dict[str, float]]:
    """The keyword vectors the last call scored, by entry: without the keywords too common to tell
    entries apart."""
    last = _LAST.value
    return {} if last is None else {key: _without(_SCORED[key].keywords, last.common) for key in last.order}


def related_answers(answers: Sequence[Answer], matcher: TermMatcher,
                    words: Callable[[Answer], Iterable[str]] | None = None,
                    known: Mapping[str, dict[str, float]] | None = None) -> dict[str, tuple[Related, ...]]:
    """The top three for every entry, scored exactly among candidates: the entries sharing one of its
    strongest keywords (through an inverted index, skipping keywords too common to discriminate) and
    the entries whose themes overlap most. On a small collection every keyword counts, so the result
    is the exact all-pairs ranking; the work grows with N, not N squared.

    When only keyword vectors changed since the last call (an edit while serving, or a rebuild that
    carried the last call), an entry is scored again only if a changed entry is in its result or now
    scores into it (or a changed entry moved one of its keywords across the candidate cap); the others
    keep their result, which is the one scoring them again would give.

    ``words`` gives an entry's Chinese words (its paragraphs cut by ``matcher`` if not given), and
    ``known`` the :func:`keywords` of some entries, already computed (kb.derive.indexes weighs entries on two
    cores with their links)."""
    _last = _LAST.value
    if words is None:
        def words(answer: Answer) -> Iterable[str]:
            return (w for p in answer.paragraphs for w, _, _ in matcher.tokens(p, "zh"))
    _KEYWORDS.start(matcher.words)
    known = known or {}
    computed = {a.id: _KEYWORDS.get(a.paragraphs, lambda a=a: known[a.id] if a.id in known else keywords(words(a)))
                for a in answers}
    frequency = Counter(word for vector in computed.values() for word in vector)
    common = frozenset(word for word, n in frequency.items() if n >= max(3, len(answers) / 3))
    vectors = {key: _without(vector, common) for key, vector in computed.items()}
    postings: dict[str, list[str]] = {}
    for answer in answers:
        for word in vectors[answer.id]:
            postings.setdefault(word, []).append(answer.id)
    order, themes = tuple(a.id for a in answers), {a.id: a.themes for a in answers}
    same = (_last is not None and _last.order == order and _last.themes == themes
            and all(key in _SCORED for key in order))
    before = {key: _SCORED[key] for key in order} if same else {}
    by_themes = _last.by_themes if same else _theme_neighbours(answers, 3 * RELATED)  # type: ignore[union-attr]
    same_common = same and _last.common == common  # type: ignore[union-attr]

    def was(key: str) -> dict[str, float]:
        """The vector ``key`` was last scored with."""
        return _without(before[key].keywords, _last.common)  # type: ignore[union-attr]

    changed = {key for key in order if not same or (not (same_common and before[key].keywords is computed[key])
               and vectors[key] != was(key))}
    strongest = {key: sorted(vector, key=lambda w: (-vector[w], w))[:CANDIDATE_KEYWORDS] if key in changed
                 else before[key].strongest for key, vector in vectors.items()}
    lookup = vectors if len(answers) <= CANDIDATE_CAP else strongest  # the words candidates are found by
    scorer = _Scorer(vectors, postings, {a.id: a for a in answers}, {key: i for i, key in enumerate(order)})
    to_score = set(order)
    if same:
        # Only a changed entry can enter, leave or move in A's ranking, and only through a word A finds
        # candidates by (one of the entry's old or new keywords) or through A's theme neighbours; a
        # posting that crossed the cap adds or takes away candidates of every entry that looks it up.
        previous = {key: was(key) for key in changed}
        words = {word for key in changed for word in (*vectors[key], *previous[key])}
        crossed = _crossed_cap(words, postings, changed, vectors, previous)
        by_word: dict[str, list[str]] = {}
        for key in changed:
            for word in vectors[key]:
                by_word.setdefault(word, []).append(key)
        to_score = changed | {
            key for key in order
            if key not in changed and (not words.isdisjoint(lookup[key])
                                       or not changed.isdisjoint(by_themes[frozenset(themes[key])]))
            and (not crossed.isdisjoint(lookup[key])
                 or not scorer.keeps(key, lookup[key], by_themes[frozenset(themes[key])], changed, by_word,
                                     before[key].result))}
    scored = [answer for answer in answers if answer.id in to_score]
    tops = dict(zip([answer.id for answer in scored], shared_map(  # on two cores when many are scored (kb.forked)
        lambda answer: scorer.top(answer, lookup[answer.id], by_themes[frozenset(answer.themes)]),
        scored, worth=len(scored) >= SHARE_FROM), strict=True))
    result = {key: tops[key] if key in to_score else before[key].result for key in order}
    if not same_common:
        _LAST.value = _Pass(order, themes, by_themes, common)
    for key in [key for key in _SCORED if key not in themes]:
        _SCORED.pop(key)
    for key in order:
        if key in to_score or (before[key].keywords is not computed[key] and before[key].keywords != computed[key]):
            _SCORED[key] = _Scored(computed[key], strongest[key], result[key])
    return result


def _crossed_cap(words: set[str], postings: dict[str, list[str]], changed: set[str],
                 vectors: dict[str, dict[str, float]], before: dict[str, dict[str, float]]) -> set[str]:
    """Those of ``words`` (the changed entries' old and new keywords) held by more entries than the
    candidate cap before the change and not after, or the other way round."""
    crossed = set()
    for word in words:
        now = len(postings.get(word, ()))
        then = now + sum((word in before[key]) - (word in vectors[key]) for key in changed)
        if (now <= CANDIDATE_CAP) != (then <= CANDIDATE_CAP):
            crossed.add(word)
    return crossed


class _Scorer:
    def __init__(self, vectors: dict[str, dict[str, float]], postings: dict[str, list[str]],
                 by_id: dict[str, Answer], position: dict[str, int]) -> None:
        self.vectors, self.postings, self.by_id, self.position = vectors, postings, by_id, position
        self.norms = {key: _norm(vector) for key, vector in vectors.items()}
        self.themes = {key: frozenset(answer.themes) for key, answer in by_id.items()}

    def dots(self, mine: dict[str, float], candidates: set[str],
             through_postings: bool | None = None) -> dict[str, float]:
        """Dot products of ``mine`` with the candidates' vectors (those that share a keyword), summed in
        the order of its keywords, so the same floats as a pairwise sum: through the postings of its
        keywords, or candidate by candidate, whichever walks less (``through_postings`` chooses). The
        postings grow with N (a keyword held by a few per cent of the entries), the candidates do not:
        walking the postings alone made scoring O(N²)."""
        vectors, postings = self.vectors, self.postings
        if through_postings is None:
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

    def keeps(self, key: str, words: Iterable[str], by_themes: list[str], changed: set[str],
              by_word: dict[str, list[str]], previous: tuple[Related, ...]) -> bool:
        """Whether :meth:`top` would give entry ``key`` its ``previous`` result again when only the
        entries in ``changed`` (``key`` not among them) have new vectors and no posting crossed the
        cap: none of them is in that result, and none of them now scores into it. ``by_word`` holds,
        for each keyword, the changed entries that have it."""
        if any(r.answer_id in changed for r in previous):
            return False
        reachable = {other for word in words if len(self.postings[word]) <= CANDIDATE_CAP
                     for other in by_word.get(word, ())}
        reachable.update(changed.intersection(by_themes))
        dots = self.dots(self.vectors[key], reachable, through_postings=False)
        for other_id in reachable:
            score = self.score(key, other_id, dots.get(other_id, 0.0))
            if score > 0 and (len(previous) < RELATED or (-score, self.position[other_id])
                              < (-previous[-1].score, self.position[previous[-1].answer_id])):
                return False
        return True

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
