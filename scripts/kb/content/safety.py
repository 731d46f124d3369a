"""What a stranger's Markdown may contain: a small allow-list of harmless HTML, and no script.

Checked in every body (original and translation) and in every front-matter text: `<script>`,
`<iframe>`, `<style>`, `<object>` and any tag off the allow-list, event-handler and style
attributes, and `javascript:`/`data:`/`vbscript:` URLs in HTML, Markdown links, images and
reference definitions are errors. Code spans and fenced code are text, not HTML, and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset({"a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q",
                          "s", "small", "span", "strong", "sub", "sup", "u"})
ALLOWED_ATTRIBUTES = frozenset({"href", "title", "lang", "cite"})
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)>]+)")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
# attr_list turns `{: onclick="..." }` into real attributes; contributors never need it.
_ATTR_LIST = re.compile(r"\{:?[^{}\n]*[\w-]+\s*=[^{}\n]*\}|\{:\s*[^{}\n]*\}")
_MD_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)", re.M)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")


@dataclass(frozen=True)
class Unsafe:
    line: int  # 1-based, within the text checked
    message: str


def _unsafe_url(url: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme: "java\tscript:".
    cleaned = re.sub(r"[\x00-\x20]+", "", url).lower()
    cleaned = re.sub(r"&#(x?[0-9a-f]+);?", lambda m: chr(int(m[1][1:], 16) if m[1].startswith("x")
                                                          else int(m[1])), cleaned)
    return cleaned.startswith(UNSAFE_SCHEMES)


class _TagFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag not in ALLOWED_TAGS:
            self.found.append((line, f"HTML tag <{tag}> is not allowed; allowed: "
                                     f"{', '.join(sorted(ALLOWED_TAGS))} (or write Markdown)"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append((line, f"event-handler attribute {name}= on <{tag}> is not allowed"))
            elif name not in ALLOWED_ATTRIBUTES:
                self.found.append((line, f"attribute {name}= on <{tag}> is not allowed; allowed: "
                                         f"{', '.join(sorted(ALLOWED_ATTRIBUTES))}"))
            elif name in ("href", "cite") and value and _unsafe_url(value):
                self.found.append((line, f"{value.split(':', 1)[0]}: URL in <{tag} {name}> is not allowed; "
                                         "use an https:// link"))

    handle_startendtag = handle_starttag


def _blank(match: re.Match) -> str:
    """Replace code with spaces, keeping line breaks so that line numbers stay right."""
    return re.sub(r"[^\n]", " ", match[0])


def check_markdown(text: str) -> Iterator[Unsafe]:
    """Everything unsafe in a Markdown text, with its line."""
    visible = _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, text))
    finder = _TagFinder()
    finder.feed(visible)
    finder.close()
    for line, message in finder.found:
        yield Unsafe(line, message)
    for match in _ATTR_LIST.finditer(visible):
        line = visible.count("\n", 0, match.start()) + 1
        yield Unsafe(line, f"attribute list {match[0][:40]} is not allowed in content; write plain Markdown")
    for pattern, what in ((_MD_LINK, "link or image"), (_MD_REFERENCE, "link reference"),
                          (_AUTOLINK, "autolink")):
        for match in pattern.finditer(visible):
            if _unsafe_url(match[1]):
                line = visible.count("\n", 0, match.start()) + 1
                scheme = re.sub(r"[\x00-\x20]+", "", match[1]).split(":", 1)[0]
                yield Unsafe(line, f"{scheme}: URL in a Markdown {what} is not allowed; use an https:// link")


def check_plain(text: str) -> tuple[Unsafe, ...]:
    """Front-matter text is shown as text: it may not contain HTML at all. (A tag needs a ``<`` and a
    Markdown link a ``](``: most texts have neither, and are passed at once; a build checks 20,000 of
    them at N = 1,000.)"""
    found = []
    if "<" in text:
        found += [Unsafe(1, f"HTML ({match[0][:30]}) is not allowed in front-matter text; write plain text")
                  for match in _TAG.finditer(text)]
    if "](" in text:
        found += [Unsafe(1, f"{match[1].split(':', 1)[0]}: URL is not allowed; use an https:// link")
                  for match in _MD_LINK.finditer(text) if _unsafe_url(match[1])]
    return tuple(found)
