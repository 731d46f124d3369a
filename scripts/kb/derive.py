"""Indexes derived from the collection: pure functions, no I/O."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from kb.model import Answer, Author, Collection, Question, Stance, Term, Theme


@dataclass(frozen=True)
class Indexes:
    """Everything a page needs to find its neighbours. Tuples are in reading order."""

    answers: tuple[Answer, ...]
    questions: dict[str, Question]
    themes: dict[str, Theme]
    stances: dict[str, Stance]
    authors: dict[str, Author]  # in order of each author's first answer
    answers_by_question: dict[str, tuple[Answer, ...]]
    answers_by_theme: dict[str, tuple[Answer, ...]]
    answers_by_stance: dict[str, tuple[Answer, ...]]
    answers_by_author: dict[str, tuple[Answer, ...]]
    previous: dict[str, Answer | None]
    next: dict[str, Answer | None]
    part: dict[str, tuple[int, int]]  # answers that share a title: (n, of) within their question
    terms: dict[str, tuple[Term, ...]]  # per language, in that language's collation order


def _group(answers: tuple[Answer, ...], keys_of) -> dict[str, tuple[Answer, ...]]:
    groups: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        for key in keys_of(answer):
            groups[key].append(answer)
    return {key: tuple(group) for key, group in groups.items()}


def pinyin_key(text: str) -> tuple[str, str]:
    """Collation key for Chinese: pinyin with tone numbers, then the characters as a tie-break."""
    return (" ".join(lazy_pinyin(text, style=Style.TONE3)).casefold(), text)


def derive(collection: Collection) -> Indexes:
    answers = collection.answers  # already in (question, order) order
    by_question = _group(answers, lambda a: [a.question])
    previous: dict[str, Answer | None] = {}
    following: dict[str, Answer | None] = {}
    part: dict[str, tuple[int, int]] = {}
    for group in by_question.values():
        for index, answer in enumerate(group):
            previous[answer.id] = group[index - 1] if index > 0 else None
            following[answer.id] = group[index + 1] if index + 1 < len(group) else None
        by_title = _group(group, lambda a: [a.title.zh])
        for same in by_title.values():
            if len(same) > 1:
                part.update({a.id: (n, len(same)) for n, a in enumerate(same, start=1)})
    authors: dict[str, Author] = {}
    for answer in answers:
        authors.setdefault(answer.author.id, answer.author)
    return Indexes(
        answers=answers,
        questions={q.id: q for q in collection.questions},
        themes={t.id: t for t in collection.themes},
        stances={s.id: s for s in collection.stances},
        authors=authors,
        answers_by_question=by_question,
        answers_by_theme=_group(answers, lambda a: a.themes),
        answers_by_stance=_group(answers, lambda a: [a.stance]),
        answers_by_author=_group(answers, lambda a: [a.author.id]),
        previous=previous,
        next=following,
        part=part,
        terms={
            "zh": tuple(sorted(collection.terms, key=lambda t: pinyin_key(t.zh))),
            "en": tuple(sorted(collection.terms, key=lambda t: (t.en.casefold(), t.en))),
        },
    )
