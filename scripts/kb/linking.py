"""Links inside an entry's text that leave the text itself unchanged.

Two kinds: the first occurrence of each glossary term links to its glossary entry (with its short
definition as the tooltip), and an ``@name`` that names another entry's author links to that entry.
Only plain text is touched: code, links, footnote marks, HTML and URLs are left alone, and the link
text is always the exact characters of the source.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kb.terms import Match, TermMatcher

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
    return " ".join(text.replace('"', "'").split())


def find_mentions(text: str, mentions: Sequence[Mention]) -> list[tuple[int, int, Mention]]:
    found = []
    # Longer names first, so that "@Naiyan Wang" is not cut short by a shorter name.
    for mention in sorted(mentions, key=lambda m: -len(m.name)):
        for match in re.finditer(r"@\s?" + re.escape(mention.name), text):
            if all(match.end() <= s or match.start() >= e for s, e, _ in found):
                found.append((match.start(), match.end(), mention))
    return sorted(found, key=lambda f: f[0])


def link_paragraphs(paragraphs: Sequence[str], lang: str, matcher: TermMatcher,
                    definitions: Mapping[str, str], mentions: Sequence[Mention] = ()) -> Linked:
    """Link the first occurrence of each term and every @mention; ``definitions`` maps term id -> tooltip."""
    seen: list[str] = []
    resolved: list[str] = []
    out = []
    for text in paragraphs:
        spans = _protected(text)
        edits: list[tuple[int, int, str]] = []
        for start, end, mention in find_mentions(text, mentions):
            if _free(start, end, spans):
                edits.append((start, end, f"[{text[start:end]}]({mention.target}){{ .kb-mention }}"))
                resolved.append(mention.target)
        taken = spans + [(s, e) for s, e, _ in edits]
        match: Match
        for match in matcher.find(text, lang):
            if match.term_id in seen or not _free(match.start, match.end, taken):
                continue
            seen.append(match.term_id)
            word = text[match.start : match.end]
            title = _title(definitions[match.term_id])
            edits.append((match.start, match.end,
                          f'[{word}](../glossary/index.md#{match.term_id} "{title}"){{ .kb-term }}'))
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        out.append(text)
    return Linked(tuple(out), tuple(seen), tuple(resolved))
