"""Indexes derived from the collection: pure functions, no I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from kb.forked import shared_map
from kb.derive.linking import Linked, Mention, Mentions, link_paragraphs
from kb.memo import Carry
from kb.content.model import LANGS, Answer, Author, Collection, Question, Stance, Term, Theme
from kb.derive.related import Related, keywords, related_answers
from kb.derive.terms import SHARE_FROM, TermMatcher


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
    tokens: Cuts  # (answer id, lang) -> each paragraph's cut
    facet_counts: dict[str, dict[str, int]]  # "theme" / "author" / "stance" -> id -> number of answers


class Cuts(Mapping[tuple[str, str], list[list[tuple[str, int, int]]]]):
    """(answer id, lang) -> each paragraph of the entry's body cut into (token, start, end), made on
    first use: an entry whose links, keywords and search text are carried (kb.memo) is not cut at all."""

    def __init__(self, answers: Sequence[Answer], matcher: TermMatcher) -> None:
        self._answers = {a.id: a for a in answers}
        self._matcher = matcher
        self._made: dict[tuple[str, str], list[list[tuple[str, int, int]]]] = {}

    def __getitem__(self, key: tuple[str, str]) -> list[list[tuple[str, int, int]]]:
        if key not in self._made:
            answer_id, lang = key
            if lang not in LANGS or answer_id not in self._answers:
                raise KeyError(key)
            self._made[key] = [self._matcher.tokens(p, lang) for p in self._answers[answer_id].body(lang)]
        return self._made[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((answer_id, lang) for answer_id in self._answers for lang in LANGS)

    def __len__(self) -> int:
        return len(self._answers) * len(LANGS)


@dataclass(frozen=True)
class _Fresh:
    """An entry's results computed in this pass (kb.forked may compute them in a child): its links, by
    language (None where carried), and its Chinese keywords (None unless its Chinese links are new)."""

    links: tuple[Linked | None, ...]
    keywords: dict[str, float] | None


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


# The glossary's collation keys, carried: a rebuild after an edit to an entry computes none.
_PINYIN: Carry[str, tuple[str, str]] = Carry("derive.pinyin")


# An entry's links depend on its text, its author, its question, and on the glossary and the names
# each question's entries may @mention (the context: when they change, every entry is linked again).
# Its results are a source (kb.memo): the pages' keys hold them, and a forked child that renders pages
# hands them back by number, not as copies (8 MB of English pages' keys from nothing at N = 1,000).
_LINKED: Carry[tuple, Linked] = Carry("derive.linked", source=True)


def collation_keys(terms: Sequence[Term]) -> dict[str, tuple[str, str]]:
    """Each term's :func:`pinyin_key`, by its Chinese form: carried, or computed now (kb.pipeline asks
    for them early, while a child writes jieba's dictionary: pypinyin takes 0.2 s to import)."""
    _PINYIN.start()
    return {t.zh: _PINYIN.get(t.zh, lambda t=t: pinyin_key(t.zh)) for t in terms}


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
    by_author = _group(answers, lambda a: [a.author.id])
    by_theme = _group(answers, lambda a: a.themes)
    by_stance = _group(answers, lambda a: [a.stance])
    matcher = TermMatcher(collection.terms)
    definitions = {lang: {t.id: t.short_definition(lang) for t in collection.terms} for lang in LANGS}
    # Each text is cut into tokens once, when first needed; linking, keywords and search texts share the cut.
    tokens = Cuts(answers, matcher)
    mentionable = {(q, lang): tuple(mentions(q, lang, by_author)) for q in by_question for lang in LANGS}
    compiled: dict[tuple[str, str], Mentions] = {}  # by (question, lang): hashing the names costs more

    def link_key(answer: Answer, lang: str) -> tuple:
        return (lang, answer.body(lang), answer.author.id, answer.question)

    def link(answer: Answer, lang: str) -> Linked:
        where = (answer.question, lang)
        if where not in compiled:
            compiled[where] = Mentions(mentionable[where])
        return link_paragraphs(answer.body(lang), lang, matcher, definitions[lang], compiled[where],
                               answer.author.id, tokens[(answer.id, lang)])

    def chinese_words(answer: Answer) -> Iterator[str]:
        return (word for paragraph in tokens[(answer.id, "zh")] for word, _, _ in paragraph)

    def fresh(answer: Answer) -> _Fresh:
        """What ``answer`` needs computed: its links in each language that is not carried, and with
        its Chinese links, its keywords; each text cut on the way."""
        links = tuple(None if _LINKED.has(link_key(answer, lang)) else link(answer, lang) for lang in LANGS)
        weighed = keywords(chinese_words(answer)) if links[LANGS.index("zh")] is not None else None
        return _Fresh(links, weighed)

    def pack(answer: Answer, made: _Fresh) -> tuple:
        """What a forked child sends: the cuts of the texts it linked, as where each token ends."""
        cuts = tuple(tuple(matcher.packed(p, lang) for p in answer.body(lang)) if made.links[i] is not None else ()
                     for i, lang in enumerate(LANGS))
        return made, cuts

    def unpack(answer: Answer, packed: tuple) -> _Fresh:
        made, cuts = packed
        for i, lang in enumerate(LANGS):
            if made.links[i] is not None:
                for paragraph, ends in zip(answer.body(lang), cuts[i], strict=True):
                    matcher.unpacked(paragraph, lang, ends)
        return made

    _LINKED.start((collection.terms, tuple(mentionable.items())))
    # The entries to link again are cut, linked and weighed all at once: on two cores when there are
    # many (kb.forked), as from nothing (cutting, linking and weighing 1,000 entries take 2 s on one).
    todo = [answer for answer in answers if not all(_LINKED.has(link_key(answer, lang)) for lang in LANGS)]
    han = sum(len(p) for answer in todo for p in answer.body("zh"))
    made = dict(zip((answer.id for answer in todo), shared_map(
        fresh, todo, worth=han >= SHARE_FROM, pack=pack, unpack=unpack), strict=True))
    # A language's links not carried are among those just made (fresh() asked the carry the same).
    linked = {(answer.id, lang): _LINKED.get(link_key(answer, lang), lambda a=answer, i=i: made[a.id].links[i])
              for answer in answers for i, lang in enumerate(LANGS)}
    appears_in: dict[str, list[Answer]] = {term.id: [] for term in collection.terms}
    for answer in answers:
        for term_id in dict.fromkeys(t for lang in LANGS for t in linked[(answer.id, lang)].terms):
            appears_in[term_id].append(answer)
    backlinks = {term_id: tuple(found) for term_id, found in appears_in.items()}
    collated = collation_keys(collection.terms)
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
            "zh": tuple(sorted(collection.terms, key=lambda t: collated[t.zh])),
            "en": tuple(sorted(collection.terms, key=lambda t: (t.en.casefold(), t.en))),
        },
        term={t.id: t for t in collection.terms},
        linked=linked,
        backlinks=backlinks,
        related=related_answers(answers, matcher, chinese_words,
                                {key: m.keywords for key, m in made.items() if m.keywords is not None}),
        keyword_terms=dict(matcher.forms["zh"]),
        tokens=tokens,
        facet_counts={
            "theme": {t.id: len(by_theme.get(t.id, ())) for t in collection.themes},
            "author": {key: len(group) for key, group in by_author.items()},
            "stance": {s.id: len(by_stance.get(s.id, ())) for s in collection.stances},
        },
    )


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
