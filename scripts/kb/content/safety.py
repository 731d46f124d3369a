"""What a stranger's Markdown may contain: a small allow-list of harmless HTML, and no script.

The judge is what Markdown makes of a text, not what the text looks like: each body paragraph,
translator's note and front-matter text is rendered by Python-Markdown with the site's extensions
(mkdocs.yml) and the HTML passed through the sanitiser the built site is passed through
(:mod:`kb.site.sanitize`, nh3); anything the sanitiser would remove (an element, an attribute, a
URL off https/http/mailto/relative/#) is an error, named with its line. Link reference definitions
are judged where they are defined: the page is one Markdown document, so a definition is used by
any paragraph. The regular expressions below only word the message better for common cases
(`<script>`, `javascript:` links); they never pass what the sanitiser refuses, and report nothing
the sanitiser accepts, except attribute lists (``{: ...}``), which content may not use at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html import escape
from html.parser import HTMLParser

import markdown

from kb.site import sanitize

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


# The site's Markdown extensions (mkdocs.yml: markdown_extensions); toc's slugify only names anchors.
EXTENSIONS = ("abbr", "admonition", "attr_list", "md_in_html", "tables", "footnotes", "pymdownx.details",
              "pymdownx.superfences", "pymdownx.magiclink", "toc")
# A text without these characters renders to paragraphs of plain text and http(s) magic links: there
# is nothing for the sanitiser to remove, and the check (20,000 texts at N = 1,000) skips it.
_MARKUP = re.compile(r"[<>&{}\[\]`\\]|ftp", re.I)
_VOID = frozenset({"br", "hr", "img", "input", "wbr", "col", "area", "base", "link", "meta", "source", "track"})


@cache
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), extension_configs={"toc": {"permalink": True}})


def render(text: str) -> tuple[str, dict[str, str]]:
    """``text`` as the site's Markdown renders it, and the link references it defines (label: URL)."""
    md = _markdown()
    md.reset()
    html = md.convert(text)
    return html, {label: url for label, (url, _title) in md.references.items()}


def _url_survives(url: str) -> bool:
    return 'href="' in sanitize.clean(f'<a href="{escape(url)}">x</a>')


class _EndTags(HTMLParser):
    """End tags with no start tag before them: a text closing the page's own elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: dict[str, int] = {}
        self.stray: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in _VOID:
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if self.open.get(tag):
            self.open[tag] -= 1
        elif tag not in _VOID:
            self.stray.append(tag)


def sanitizer_findings(text: str) -> list[str]:
    """What the site's sanitiser would remove from ``text`` rendered as Markdown, worded for a
    contributor; empty when the text is safe."""
    if not _MARKUP.search(text):
        return []
    html, references = render(text)
    gone = sanitize.removed(html, sanitize.clean(html))
    found = [sanitize.describe(item) for item in gone if item[0] != "text"]
    if gone and not found:  # only text went (e.g. a <script>'s contents with it)
        found = [sanitize.describe(item) for item in gone]
    found += [f"link reference [{label}] to {url[:40]}" for label, url in references.items()
              if not _url_survives(url)]
    ends = _EndTags()
    ends.feed(html)
    ends.close()
    found += [f"closing tag </{tag}> without its opening tag" for tag in dict.fromkeys(ends.stray)]
    return found


def _line_of(text: str, finding: str) -> int:
    """The line of ``text`` a finding most likely comes from (1 if it cannot be told)."""
    words = re.findall(r"[\w:-]{3,}", finding)
    for word in words:
        for number, line in enumerate(text.split("\n"), 1):
            if word.lower() in line.lower():
                return number
    return 1


def _judged(text: str, worded: list[Unsafe], always: list[Unsafe]) -> Iterator[Unsafe]:
    """The sanitiser's verdict on ``text``, with the better-worded regex messages when it agrees."""
    findings = sanitizer_findings(text)
    yield from always
    if not findings:
        return
    yield from worded
    yield Unsafe(_line_of(text, findings[0]),
                 "the site's sanitiser would remove " + "; ".join(findings[:5]) +
                 " from this text as Markdown renders it; write plain Markdown, links to https:// only")


def check_markdown(text: str) -> Iterator[Unsafe]:
    """Everything unsafe in a Markdown text, with its line."""
    yield from _judged(text, list(_regex_markdown(text)), list(_attribute_lists(text)))


def _visible(text: str) -> str:
    return _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, text))


def _attribute_lists(text: str) -> Iterator[Unsafe]:
    visible = _visible(text)
    for match in _ATTR_LIST.finditer(visible):
        line = visible.count("\n", 0, match.start()) + 1
        yield Unsafe(line, f"attribute list {match[0][:40]} is not allowed in content; write plain Markdown")


def _regex_markdown(text: str) -> Iterator[Unsafe]:
    visible = _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, text))
    finder = _TagFinder()
    finder.feed(visible)
    finder.close()
    for line, message in finder.found:
        yield Unsafe(line, message)
    for pattern, what in ((_MD_LINK, "link or image"), (_MD_REFERENCE, "link reference"),
                          (_AUTOLINK, "autolink")):
        for match in pattern.finditer(visible):
            if _unsafe_url(match[1]):
                line = visible.count("\n", 0, match.start()) + 1
                scheme = re.sub(r"[\x00-\x20]+", "", match[1]).split(":", 1)[0]
                yield Unsafe(line, f"{scheme}: URL in a Markdown {what} is not allowed; use an https:// link")


def check_plain(text: str) -> tuple[Unsafe, ...]:
    """Front-matter text is shown as text: it may not contain HTML at all. Judged as Markdown renders
    it (templates escape it, but a text may reach a page unescaped: the sanitiser decides)."""
    return tuple(_judged(text, list(_regex_plain(text)), []))


def _regex_plain(text: str) -> list[Unsafe]:
    found = []
    if "<" in text:
        found += [Unsafe(1, f"HTML ({match[0][:30]}) is not allowed in front-matter text; write plain text")
                  for match in _TAG.finditer(text)]
    if "](" in text:
        found += [Unsafe(1, f"{match[1].split(':', 1)[0]}: URL is not allowed; use an https:// link")
                  for match in _MD_LINK.finditer(text) if _unsafe_url(match[1])]
    return tuple(found)
