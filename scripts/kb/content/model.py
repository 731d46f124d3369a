"""The content model: what a contributor writes, as frozen dataclasses.

Each class's docstring shows the YAML that produces it. Field metadata drives validation
(:mod:`kb.content.schema`): ``pattern`` for strings, ``min_items``/``max_items`` for lists, ``doc`` for
help texts, and ``derived`` for fields that come from a file body rather than front-matter.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

LANGS: tuple[Lang, ...] = ("zh", "en")
Lang = Literal["zh", "en"]
SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"
# The original of an entry: a Zhihu question or answer, nothing else (the URL is written into links
# and the feed; a stricter pattern leaves no room for Markdown or attributes).
ZHIHU_SOURCE = r"https://www\.zhihu\.com/question/[0-9]+(/answer/[0-9]+)?"


def slug(doc: str) -> dict:
    return {"pattern": SLUG, "doc": doc}


def oneline(text: str) -> str:
    """Text on one line: runs of whitespace, line breaks included, become one space."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Text:
    """A piece of text in both languages::

        title:
          zh: 理论派的矛盾
          en: The theorists' contradiction
    """

    zh: str
    en: str

    def __getitem__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class SubQuestion:
    """One of the question's sub-questions; entries take positions on them by ``id``::

        - id: rigour
          label: {zh: 数学严格化, en: Rigorous maths}
          zh: 是数学基础的严格化?
          en: Is it making the mathematical foundations rigorous?
    """

    id: str = field(metadata=slug("stable id, used by entries' positions"))
    label: Text = field(metadata={"doc": "a short column label for the viewpoint map"})
    zh: str = field(metadata={"doc": "the sub-question as written (verbatim)"})
    en: str = field(metadata={"doc": "its English translation"})

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Compilation:
    """The compiler's framing of the collected answers, in both languages::

        compilation:
          title: {zh: 深度学习难在哪里?, en: What makes deep learning hard?}
          heading: {zh: ..., en: ...}
          preface: {zh: ..., en: ...}
          attribution: {zh: 文中观点皆来自于知乎用户..., en: ...}
    """

    title: Text
    heading: Text
    preface: Text
    attribution: Text


@dataclass(frozen=True)
class Question:
    """A Zhihu question: ``answers/<id>/question.yml``::

        id: "41168257"
        url: https://www.zhihu.com/question/41168257
        title: {zh: ..., en: ...}
        description: {zh: ..., en: ...}
        lead: {zh: ..., en: ...}
        subquestions: [...]          # see SubQuestion
        compilation: {...}           # see Compilation
        copyright: {zh: 来源:知乎 著作权归作者所有..., en: ...}
    """

    id: str = field(metadata={"pattern": r"[0-9]+", "doc": "the Zhihu question id, quoted"})
    url: str = field(metadata={"pattern": r"https://www\.zhihu\.com/question/[0-9]+", "doc": "the question's URL"})
    title: Text
    description: Text
    lead: Text
    subquestions: tuple[SubQuestion, ...] = field(metadata={"min_items": 1})
    compilation: Compilation
    copyright: Text
    path: str = field(default="", metadata={"derived": True})


AuthorKind = Literal["named", "anonymous", "unsigned"]


@dataclass(frozen=True)
class Author:
    """Who signed an answer, exactly as signed::

        author:
          id: naiyan-wang
          name: Naiyan Wang                 # as signed
          name_en: Naiyan Wang              # pinyin for Chinese names, a translation for handles
          credential: CS PhD, 机器学习与计算机视觉
          credential_en: CS PhD, machine learning and computer vision

    ``kind: anonymous`` is Zhihu's 匿名用户 (the signature is kept); ``kind: unsigned`` is an
    entry with no signature at all, which gets no name.
    """

    id: str = field(metadata=slug("the author's page: authors/<id>.html"))
    kind: AuthorKind = "named"
    name: str | None = field(default=None, metadata={"doc": "the name as signed"})
    name_en: str | None = field(default=None, metadata={"doc": "English form of the name"})
    credential: str | None = field(default=None, metadata={"doc": "the credential as signed"})
    credential_en: str | None = field(default=None, metadata={"doc": "English rendering of the credential"})


@dataclass(frozen=True)
class Note:
    """A translator's note: a Markdown footnote ``[^label]: text`` in a translation file."""

    label: str
    text: str


@dataclass(frozen=True)
class TranslationMeta:
    """The front-matter of a translation ``<id>.en.md``: which revision of the original it translates::

        ---
        translates: [5d41402a, 7d793037]   # one short hash per original paragraph (kb stamp writes it)
        ---
    """

    translates: tuple[str, ...] = field(default=(), metadata={
        "item_pattern": r"[0-9a-f]{8}", "doc": "one hash per original paragraph; written by `kb stamp`"})


def revision(paragraph: str) -> str:
    """A short hash of a paragraph's text (whitespace ignored): what a translation records."""
    return hashlib.sha256("".join(paragraph.split()).encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Translation:
    """The English sibling ``<id>.en.md``: one paragraph per original paragraph, notes as footnotes."""

    path: str
    paragraphs: tuple[str, ...]
    notes: tuple[Note, ...]
    first_line: int
    paragraph_lines: tuple[int, ...] = ()
    translates: tuple[str, ...] = ()


Verdict = Literal["yes", "partly", "no"]


@dataclass(frozen=True)
class Position:
    """What an entry says about one sub-question, with the words that show it::

        positions:
          - subquestion: rigour        # a sub-question id from question.yml
            position: partly           # yes: the difficulty lies here; partly; no: not here
            paragraph: 6               # the Chinese paragraph that says so (1-based)
            quote: 泛化理论也需要进一步发展  # its words, verbatim

    A sub-question the entry does not address is left out.
    """

    subquestion: str = field(metadata=slug("a sub-question id from question.yml"))
    position: Verdict = field(metadata={"doc": "yes (the difficulty lies here), partly, or no"})
    paragraph: int = field(metadata={"min": 1, "doc": "the Chinese paragraph that shows it, counted from 1"})
    quote: str = field(metadata={"doc": "a few words of that paragraph, verbatim: the evidence"})


@dataclass(frozen=True)
class Answer:
    """One entry: ``answers/<question>/<id>.md``, front-matter then the author's words::

        ---
        id: naiyan-wang
        question: "41168257"
        order: 1
        author: {...}                 # see Author
        title: {zh: 深度学习本质上是工程学科..., en: ...}   # the compiler's heading
        summary: {zh: ..., en: ...}    # the editors' summary, one or two sentences
        stance: understand-the-problem # an id from glossary/stances.yml
        themes: [engineering, problem-solving]   # two to five ids from glossary/themes.yml
        positions: [...]               # see Position; one per sub-question the entry addresses
        source: https://www.zhihu.com/question/41168257
        added: 2026-11-24              # the day the entry joined the collection (orders the feed)
        ---

        第一段……

        第二段……
    """

    id: str = field(metadata=slug("the page: answers/<id>.html; the file is named <id>.md"))
    question: str = field(metadata={"pattern": r"[0-9]+", "doc": "the Zhihu question id, quoted"})
    order: int = field(metadata={"min": 1, "doc": "position within the question"})
    author: Author
    title: Text
    summary: Text
    stance: str = field(metadata=slug("an id from glossary/stances.yml"))
    themes: tuple[str, ...] = field(metadata={"min_items": 2, "max_items": 5, "item_pattern": SLUG,
                                              "doc": "two to five ids from glossary/themes.yml"})
    source: str = field(metadata={"pattern": ZHIHU_SOURCE, "doc": "URL of the original: "
                                  "https://www.zhihu.com/question/<digits>, optionally /answer/<digits>"})
    added: datetime.date = field(metadata={
        "doc": "the day the entry joined the collection, YYYY-MM-DD; dates the Atom feed's entries"})
    positions: tuple[Position, ...] = field(default=(), metadata={
        "doc": "the entry's own position on each sub-question it addresses, with evidence"})
    path: str = field(default="", metadata={"derived": True})
    paragraphs: tuple[str, ...] = field(default=(), metadata={"derived": True})
    body_line: int = field(default=0, metadata={"derived": True})
    paragraph_lines: tuple[int, ...] = field(default=(), metadata={"derived": True})
    translation: Translation | None = field(default=None, metadata={"derived": True})

    def body(self, lang: str) -> tuple[str, ...]:
        if lang == "zh" or self.translation is None:
            return self.paragraphs
        return self.translation.paragraphs


@dataclass(frozen=True)
class Theme:
    """What answers talk about: an entry of ``glossary/themes.yml``::

        - id: engineering
          label: {zh: 工程实践, en: Engineering practice}
          description: {zh: ..., en: ...}
    """

    id: str = field(metadata=slug("the page: themes/<id>.html"))
    label: Text
    description: Text


@dataclass(frozen=True)
class Stance:
    """A group of entries that locate the difficulty alike: an entry of ``glossary/stances.yml``::

        - id: understand-the-problem
          label: {zh: 难在吃透问题, en: The hard part is understanding the problem}
          description: {zh: ..., en: ...}

    A stance is a grouping; each entry records its own positions (see Position).
    """

    id: str = field(metadata=slug("the anchor on the viewpoint map: stances/index.html#<id>"))
    label: Text
    description: Text


TermKind = Literal["technical", "jargon", "person", "organization", "venue", "event", "idea"]


@dataclass(frozen=True)
class Aliases:
    zh: tuple[str, ...] = ()
    en: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """A glossary term: an entry of ``glossary/terms.yml``::

        - id: generalization
          kind: technical
          zh: 泛化能力
          en: generalization
          aliases: {zh: [泛化], en: [generalisation]}
          definition: {zh: ..., en: ...}
          related: [concentration-inequality]
          link: https://en.wikipedia.org/wiki/Generalization_error
          match_in: [zh, en]           # optional: where the term is linked (default both)
    """

    id: str = field(metadata=slug("the anchor on the glossary page: glossary/index.html#<id>"))
    kind: TermKind
    zh: str
    en: str
    aliases: Aliases
    definition: Text
    related: tuple[str, ...] = field(default=(), metadata={"item_pattern": SLUG})
    link: str | None = field(default=None, metadata={"pattern": r"https://\S+"})
    match_in: tuple[Lang, ...] = field(default=LANGS, metadata={
        "doc": "texts to link the term in; [zh] for an everyday English word used as jargon in Chinese"})

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def forms(self, lang: str) -> tuple[str, ...]:
        """What to look for in text of ``lang``: Chinese text also uses English names and abbreviations."""
        english = (self.en, *self.aliases.en)
        return (self.zh, *self.aliases.zh, *english) if lang == "zh" else english

    def short_definition(self, lang: str) -> str:
        """The definition's first sentence, for tooltips."""
        text = oneline(self.definition[lang])
        end = re.search(r"[。！？]|[.!?](?=\s|$)", text)
        return text[: end.end()] if end else text


@dataclass(frozen=True)
class Unlinked:
    """A word that is never linked to the glossary, though a term is named by it: an entry of
    ``glossary/unlinked.yml``, the reviewed stop list of everyday words a link would only crowd::

        - word: paper
          texts: [zh]
          why: an everyday English word in Chinese text; every reader of the thread knows it
    """

    word: str = field(metadata={"doc": "a term's name or alias, as the texts write it (case aside)"})
    texts: tuple[Lang, ...] = field(metadata={"doc": "the languages of the texts it is not linked in"})
    why: str = field(metadata={"doc": "why a reader needs no link here: the review's reason"})


@dataclass(frozen=True)
class Collection:
    """Everything loaded and checked: the input of every derivation and page."""

    questions: tuple[Question, ...]
    answers: tuple[Answer, ...]
    themes: tuple[Theme, ...]
    stances: tuple[Stance, ...]
    terms: tuple[Term, ...]
    unlinked: tuple[Unlinked, ...] = ()

    def never_linked(self, lang: str) -> frozenset[str]:
        """The words (case-folded) that text in ``lang`` never links to the glossary."""
        return frozenset(entry.word.casefold() for entry in self.unlinked if lang in entry.texts)
