"""Indexes derived from the collection: pure functions, no I/O.

:func:`derive` cuts every text of the collection once (kb.derive.segment), and everything that needs
the words (glossary links, related entries' keywords) reads that one cut.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kb.content.model import LANGS, Answer, Author, Collection, Position, Question, Stance, Term, Theme
from kb.derive.linking import Linked, Mention, Mentions, link_paragraphs
from kb.derive.related import Related, keywords, related_answers
from kb.derive.segment import Segmenter, Token, has_han
from kb.derive.terms import TermMatcher


@dataclass(frozen=True)
class Indexes:
    """Everything a page needs to find its neighbours. Tuples are in reading order."""

    answers: tuple[Answer, ...]
    answers_by_id: dict[str, Answer]
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
    term: dict[str, Term]
    linked: dict[tuple[str, str], Linked]  # (answer id, lang) -> the body with its links
    backlinks: dict[str, tuple[Answer, ...]]  # term id -> the answers it appears in (either language)
    related: dict[str, tuple[Related, ...]]
    keyword_terms: dict[str, str]  # a keyword that is a glossary form -> the term's id
    tokens: dict[tuple[str, str], list[list[Token]]]  # (answer id, lang) -> each paragraph's cut
    positions: dict[str, dict[str, Position]]  # answer id -> sub-question id -> its position there
    facet_counts: dict[str, dict[str, int]]  # "theme" / "author" / "stance" -> id -> number of answers


def _group(answers: tuple[Answer, ...], keys_of) -> dict[str, tuple[Answer, ...]]:
    groups: dict[str, list[Answer]] = defaultdict(list)
    for answer in answers:
        for key in keys_of(answer):
            groups[key].append(answer)
    return {key: tuple(group) for key, group in groups.items()}


def pinyin_key(text: str) -> tuple[str, str]:
    """Collation key for Chinese: pinyin with tone numbers, then the characters as a tie-break."""
    from pypinyin import Style, lazy_pinyin  # a quarter of a second to import: only when a key is new

    return (" ".join(lazy_pinyin(text, style=Style.TONE3)).casefold(), text)



def collection_words(collection: Collection) -> tuple[str, ...]:
    """Words of the collection that must stay whole when Chinese text is cut (Han script only): the
    glossary's names and aliases, author names, theme and stance labels."""
    words: set[str] = set()
    for term in collection.terms:
        words.update((term.zh, *term.aliases.zh, term.en, *term.aliases.en))
    for answer in collection.answers:
        words.update(w for w in (answer.author.name, answer.author.name_en) if w)
    for item in (*collection.themes, *collection.stances):
        words.add(item.label.zh)
    return tuple(sorted(w for w in words if has_han(w) and not re.search(r"\s", w)))


def derive(collection: Collection, segmenter: Segmenter | None = None) -> Indexes:
    """Everything the pages need, from the collection; ``segmenter`` must know
    :func:`collection_words` (one is made if not given)."""
    segmenter = segmenter or Segmenter(collection_words(collection))
    answers = collection.answers  # already in (question, order) order
    by_question = _group(answers, lambda a: [a.question])
    previous: dict[str, Answer | None] = {}
    following: dict[str, Answer | None] = {}
    part: dict[str, tuple[int, int]] = {}
    for group in by_question.values():
        for index, answer in enumerate(group):
            previous[answer.id] = group[index - 1] if index > 0 else None
            following[answer.id] = group[index + 1] if index + 1 < len(group) else None
        for same in _group(group, lambda a: [a.title.zh]).values():
            if len(same) > 1:
                part.update({a.id: (n, len(same)) for n, a in enumerate(same, start=1)})
    authors: dict[str, Author] = {}
    for answer in answers:
        authors.setdefault(answer.author.id, answer.author)
    by_author = _group(answers, lambda a: [a.author.id])
    by_theme = _group(answers, lambda a: a.themes)
    by_stance = _group(answers, lambda a: [a.stance])
    matcher = TermMatcher(collection.terms, segmenter)
    tokens = {(a.id, lang): [matcher.tokens(p, lang) for p in a.body(lang)] for a in answers for lang in LANGS}
    definitions = {lang: {t.id: t.short_definition(lang) for t in collection.terms} for lang in LANGS}
    names = {(q, lang): Mentions(mentions(q, lang, by_author)) for q in by_question for lang in LANGS}
    never = {lang: collection.never_linked(lang) for lang in LANGS}
    linked = {(a.id, lang): link_paragraphs(a.body(lang), lang, matcher, definitions[lang], names[(a.question, lang)],
                                            a.author.id, tokens[(a.id, lang)], never[lang])
              for a in answers for lang in LANGS}
    appears_in: dict[str, list[Answer]] = {term.id: [] for term in collection.terms}
    for answer in answers:
        for term_id in dict.fromkeys(t for lang in LANGS for t in linked[(answer.id, lang)].terms):
            appears_in[term_id].append(answer)
    vectors = {a.id: keywords(_words(tokens[(a.id, "zh")])) for a in answers}
    collated = {t.id: pinyin_key(t.zh) for t in collection.terms}
    return Indexes(
        answers=answers,
        answers_by_id={a.id: a for a in answers},
        questions={q.id: q for q in collection.questions},
        themes={t.id: t for t in collection.themes},
        stances={s.id: s for s in collection.stances},
        authors=authors,
        answers_by_question=by_question,
        answers_by_theme=by_theme,
        answers_by_stance=by_stance,
        answers_by_author=by_author,
        previous=previous,
        next=following,
        part=part,
        terms={
            "zh": tuple(sorted(collection.terms, key=lambda t: collated[t.id])),
            "en": tuple(sorted(collection.terms, key=lambda t: (t.en.casefold(), t.en))),
        },
        term={t.id: t for t in collection.terms},
        linked=linked,
        backlinks={term_id: tuple(found) for term_id, found in appears_in.items()},
        related=related_answers(answers, vectors),
        keyword_terms=dict(matcher.forms["zh"]),
        tokens=tokens,
        positions={a.id: {p.subquestion: p for p in a.positions} for a in answers},
        facet_counts={
            "theme": {t.id: len(by_theme.get(t.id, ())) for t in collection.themes},
            "author": {key: len(group) for key, group in by_author.items()},
            "stance": {s.id: len(by_stance.get(s.id, ())) for s in collection.stances},
        },
    )


def _words(paragraphs: Iterable[list[Token]]) -> Iterable[str]:
    return (word for paragraph in paragraphs for word, _, _ in paragraph)


def mentions(question: str, lang: str, by_author: dict[str, tuple[Answer, ...]]) -> list[Mention]:
    """The signed authors an entry of ``question`` may @mention, each resolved to their entry there."""
    found = []
    for author_id, their in by_author.items():
        author = their[0].author
        if author.kind != "named":
            continue
        same_question = [a for a in their if a.question == question]
        target = (f"../answers/{same_question[0].id}.md" if len(same_question) == 1
                  else f"../authors/{author_id}.md")
        names = {author.name, author.name_en} if lang == "en" else {author.name}
        found += [Mention(name, target, author_id) for name in sorted(n for n in names if n)]
    return found
