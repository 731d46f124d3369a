"""Links inside an entry's text that leave the text itself unchanged.

Two kinds: the first occurrence of each glossary term links to its glossary entry (with its short
definition as the tooltip), and an ``@name`` that names another entry's author links to that entry.
Only plain text is touched: code, links, footnote marks, HTML and URLs are left alone, and the link
text is always the exact characters of the source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cached_property

from kb.content.model import oneline
from kb.derive.terms import Match, TermMatcher

# Markdown that must not be linked into: code, links and images, footnote marks, HTML tags and
# autolinks, attribute lists, bare URLs.
_PROTECTED = re.compile(
    r"`[^`]*`"
    r"|!?\[[^\]]*\]\([^)]*\)"
    r"|\[\^[^\]]+\]"
    r"|<[^>\n]+>"
    r"|\{:?[^}\n]*\}"
    r"|https?://\S+"
)


@dataclass(frozen=True)
class Mention:
    """``@name`` in the text, resolved to the page of the entry (or author) it names."""

    name: str
    target: str  # a link relative to the answer page, e.g. ../answers/naiyan-wang.md
    author_id: str = ""


class Mentions:
    """All the names an entry may @mention, found in one pass of one compiled pattern, compiled the
    first time a text holds an ``@`` (the names of a question's authors: 5 ms at N = 1,000, in every
    build that links an entry again, most of whose texts hold none)."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.by_name = {m.name: m for m in mentions}

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        # Longer names first, so that "@Naiyan Wang" is not cut short by a shorter name.
        names = sorted(self.by_name, key=lambda n: (-len(n), n))
        return re.compile(r"@\s?(" + "|".join(map(re.escape, names)) + ")") if names else None

    def find(self, text: str, exclude_author: str = "") -> list[tuple[int, int, Mention]]:
        if "@" not in text or self.pattern is None:
            return []
        found = []
        for match in self.pattern.finditer(text):
            mention = self.by_name[match[1]]
            if mention.author_id != exclude_author or not exclude_author:
                found.append((match.start(), match.end(), mention))
        return found


@dataclass(frozen=True)
class Linked:
    paragraphs: tuple[str, ...]
    terms: tuple[str, ...]  # ids of the terms found, in order of first occurrence
    mentions: tuple[str, ...]  # targets of the @mentions found


def _protected(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED.finditer(text)]


def _free(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return all(end <= s or start >= e for s, e in spans)


def _title(text: str) -> str:
    """A Markdown link title: no double quotes (they would end it) and no line breaks."""
    return oneline(text.replace('"', "'"))


def link_paragraphs(paragraphs: Sequence[str], lang: str, matcher: TermMatcher,
                    definitions: Mapping[str, str], mentions: Sequence[Mention] | Mentions = (),
                    author_id: str = "", tokens: Sequence[list[tuple[str, int, int]]] | None = None,
                    never: AbstractSet[str] = frozenset()) -> Linked:
    """Link the first occurrence of each term and every @mention; ``definitions`` maps term id -> tooltip.

    ``author_id`` is the entry's own author, whose name is never linked to themself. ``never`` holds
    the words (case-folded) of the stop list (``glossary/unlinked.yml``): an occurrence written so
    is not linked, and the term waits for one written otherwise.
    """
    if not isinstance(mentions, Mentions):
        mentions = Mentions(mentions)
    seen: list[str] = []
    resolved: list[str] = []
    out = []
    for index, text in enumerate(paragraphs):
        spans = _protected(text)
        edits: list[tuple[int, int, str]] = []
        for start, end, mention in mentions.find(text, author_id):
            if _free(start, end, spans):
                edits.append((start, end, f"[{text[start:end]}]({mention.target}){{ .kb-mention }}"))
                resolved.append(mention.target)
        taken = spans + [(s, e) for s, e, _ in edits]
        match: Match
        for match in matcher.find(text, lang, tokens[index] if tokens is not None else None):
            word = text[match.start : match.end]
            if match.term_id in seen or word.casefold() in never or not _free(match.start, match.end, taken):
                continue
            seen.append(match.term_id)
            title = _title(definitions[match.term_id])
            edits.append((match.start, match.end,
                          f'[{word}](../glossary/index.md#{match.term_id} "{title}"){{ .kb-term }}'))
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        out.append(text)
    return Linked(tuple(out), tuple(seen), tuple(resolved))
