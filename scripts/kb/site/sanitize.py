"""The last word on what a page may contain: every page's article, sanitised with nh3 (Ammonia).

``kb check`` judges each contributor's text by what Python-Markdown makes of it
(:mod:`kb.content.safety`, with :data:`CONTENT`); after MkDocs, the post-build pass
(kb.site.postbuild) passes the article of every built page (``<article class="md-content__inner
md-typeset">``) through the same sanitiser with :data:`PAGE`: the content allow-list plus what our
own templates emit (the viewpoint map's inline SVG, the filters' form controls, ``data-*`` and
``aria-*`` attributes our scripts read).
Material's shell (its head, header, navigation and scripts) is not touched. A page is rewritten
only if the sanitiser removed something from it; on a legitimate page it removes nothing.

:func:`with_policy` gives each page its Content-Security-Policy (:func:`content_security_policy`):
our own files only, and the hashes of the inline scripts Material writes into the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import nh3

URL_SCHEMES = frozenset({"https", "http", "mailto"})  # and relative URLs and #fragments (nh3's default)

# What a contributor's Markdown may become (Python-Markdown with the site's extensions): text
# formatting, links, lists, tables, footnotes, abbreviations, admonitions and details.
CONTENT_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
})
CONTENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "id", "lang", "title"}),
    "a": frozenset({"href"}),
    "abbr": frozenset(),
    "blockquote": frozenset({"cite"}),
    "q": frozenset({"cite"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"style"}),  # `tables` aligns columns with style="text-align: ..."
    "th": frozenset({"style"}),
    "details": frozenset({"open"}),
}
# Our templates, on top: the viewpoint map (inline SVG), the filters (a form), landmarks and the
# attributes our scripts and the search read.
SVG_TAGS = frozenset({"svg", "g", "rect", "circle", "line", "text", "tspan", "title", "desc"})
TEMPLATE_TAGS = frozenset({"article", "section", "nav", "figure", "figcaption", "form", "label", "select",
                           "option", "button", "input"}) | SVG_TAGS
TEMPLATE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"role", "hidden", "rel"}),
    "svg": frozenset({"viewbox", "viewBox", "width", "height", "font-size", "xmlns", "style"}),
    "g": frozenset({"transform", "class"}),
    "rect": frozenset({"x", "y", "width", "height", "rx", "ry", "fill"}),
    "circle": frozenset({"cx", "cy", "r", "fill"}),
    "line": frozenset({"x1", "x2", "y1", "y2"}),
    "text": frozenset({"x", "y", "dx", "dy", "text-anchor"}),
    "tspan": frozenset({"x", "y", "dx", "dy"}),
    "select": frozenset({"name"}),
    "option": frozenset({"value", "selected"}),
    "button": frozenset({"type"}),
    "input": frozenset({"type", "name", "value", "checked"}),
    "label": frozenset({"for"}),
}
GENERIC_PREFIXES = frozenset({"data-", "aria-"})
# Style attributes keep only these properties: table alignment, and the map's width (kb.render.viewmap).
STYLE_PROPERTIES = frozenset({"text-align", "--kb-map-width"})


def _merge(*maps: dict[str, frozenset[str]]) -> dict[str, set[str]]:
    merged: dict[str, set[str]] = {}
    for mapping in maps:
        for tag, names in mapping.items():
            merged.setdefault(tag, set()).update(names)
    return merged


@dataclass(frozen=True)
class Policy:
    """An allow-list for nh3."""

    tags: frozenset[str]
    attributes: dict[str, frozenset[str]]
    generic_prefixes: frozenset[str] = frozenset()

    def cleaner(self) -> nh3.Cleaner:
        return nh3.Cleaner(
            tags=set(self.tags), attributes=_merge(self.attributes), url_schemes=set(URL_SCHEMES),
            generic_attribute_prefixes=set(self.generic_prefixes), filter_style_properties=set(STYLE_PROPERTIES),
            clean_content_tags={"script", "style"}, link_rel=None, strip_comments=False,
            attribute_filter=_no_other_host)


URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "xlink:href"})
_OTHER_HOST = re.compile(r"^[\x00-\x20]*[/\\][\x00-\x20]*[/\\]")


def _no_other_host(tag: str, name: str, value: str) -> str | None:
    """A relative URL may not lead off-site: ``//host/`` (and ``/\\host``, which browsers read alike)
    is a link to another host; nh3 counts it as relative."""
    if name in URL_ATTRIBUTES and _OTHER_HOST.match(value):
        return None
    return value


CONTENT = Policy(CONTENT_TAGS, CONTENT_ATTRIBUTES)
PAGE = Policy(CONTENT_TAGS | TEMPLATE_TAGS, {k: frozenset(v) for k, v in _merge(
    CONTENT_ATTRIBUTES, TEMPLATE_ATTRIBUTES).items()}, GENERIC_PREFIXES)
_CLEANERS: dict[int, nh3.Cleaner] = {}


def clean(html: str, policy: Policy = CONTENT) -> str:
    """``html`` with everything off ``policy``'s allow-list removed."""
    cleaner = _CLEANERS.get(id(policy))
    if cleaner is None:
        cleaner = _CLEANERS[id(policy)] = policy.cleaner()
    return cleaner.clean(html)


# -- comparing HTML by what it means, not how it is spelt ------------------------------------------

_STYLE_SPACE = re.compile(r"\s*([:;])\s*")


class _Items(HTMLParser):
    """The elements, attributes and text of an HTML fragment, serialisation aside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(("tag", tag))
        for name, value in attrs:
            value = unescape(value or "").strip()
            if name == "style":
                value = _STYLE_SPACE.sub(r"\1", value).rstrip(";")
            self.items.append(("attribute", tag, name.lower(), value))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        text = "".join(data.split())
        if text:
            self.items.append(("text", text))


def items(html: str) -> list[tuple[str, ...]]:
    parser = _Items()
    parser.feed(html)
    parser.close()
    return parser.items


def _joined_text(found: list[tuple[str, ...]]) -> str:
    return "".join(item[1] for item in found if item[0] == "text")


def removed(before: str, after: str) -> list[tuple[str, ...]]:
    """What the sanitiser took out of ``before`` to give ``after``: elements (``("tag", name)``),
    attributes (``("attribute", tag, name, value)``) and text (``("text", ...)``), in order."""
    old, new = items(before), items(after)
    left = Counter(x for x in new if x[0] != "text")
    gone = []
    for item in old:
        if item[0] == "text":
            continue
        if left[item]:
            left[item] -= 1
        else:
            gone.append(item)
    old_text, new_text = _joined_text(old), _joined_text(new)
    if old_text != new_text:
        gone.append(("text", _text_difference(old_text, new_text)))
    return gone


def _text_difference(old: str, new: str) -> str:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return old[start:len(old) - end][:60]


def describe(item: tuple[str, ...]) -> str:
    if item[0] == "tag":
        return f"<{item[1]}>"
    if item[0] == "attribute":
        _, tag, name, value = item
        return f'{name}="{value[:40]}" on <{tag}>'
    return f"text {item[1]!r}"


_START_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)([^>]*)>")
_ATTRIBUTE_NAME = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
_STYLE = re.compile(r"""\bstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_PROPERTY = re.compile(r"([\w-]+)\s*:")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_IGNORED = re.compile(r"[\t\n\r]")  # a URL parser drops these anywhere (WHATWG URL)


def as_nh3_writes_it(html: str) -> str:
    """``html`` through nh3 with an allow-list of everything it holds (its tags, attributes, URL
    schemes and style properties): nh3's serialisation with nothing removed. When the page's
    allow-list gives the same, it removed nothing. This is the quick test; :func:`removed`, which
    says what was removed, runs only when it fails.

    Schemes are read as a browser reads them, from the attributes with their character references
    decoded and tabs and line breaks dropped (``java&#x09;script&colon;`` is ``javascript:``), so
    that no scheme the page's allow-list refuses is refused here too and goes unnoticed."""
    found = _START_TAG.findall(html)
    tags = {name.lower() for name, _ in found}
    attributes = " ".join({rest for _, rest in found})
    names = set(_ATTRIBUTE_NAME.findall(attributes))
    names |= {name.lower() for name in names}
    properties = set(_PROPERTY.findall(" ".join(_STYLE.findall(attributes))))
    schemes = {scheme.lower() for scheme in _SCHEME.findall(_URL_IGNORED.sub("", unescape(attributes)))}
    return nh3.clean(html, tags=tags, attributes={"*": names}, clean_content_tags=set(), url_schemes=schemes,
                     link_rel=None, strip_comments=False, filter_style_properties=properties or None)


# -- the post-build pass ---------------------------------------------------------------------------


ARTICLE_START = '<article class="md-content__inner md-typeset">'
ARTICLE_END = "</article>"


@dataclass(frozen=True)
class Sanitized:
    path: str
    removed: tuple[str, ...]


def sanitize_page(html: str) -> tuple[str, list[tuple[str, ...]]]:
    """The page with its article sanitised, and what was removed (nothing: the page unchanged).
    The article runs from Material's opening tag to the page's last ``</article>``: content cannot
    end it early with a ``</article>`` of its own."""
    start = html.find(ARTICLE_START)
    if start < 0:
        return html, []
    start += len(ARTICLE_START)
    end = html.rfind(ARTICLE_END)
    if end < start:
        return html, []
    inner = html[start:end]
    cleaned = clean(inner, PAGE)
    if cleaned == as_nh3_writes_it(inner):  # nothing removed (the usual case, and the quick test)
        return html, []
    gone = removed(inner, cleaned)
    if not gone:
        return html, []
    return html[:start] + cleaned + html[end:], gone


# -- Content-Security-Policy -----------------------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
EXECUTED_TYPES = ("", "text/javascript", "application/javascript", "module")


def inline_script_hashes(pages: Iterable[str]) -> list[str]:
    """The ``'sha256-...'`` source of every distinct inline script the pages execute (a JSON data
    block such as Material's ``__config`` is not executed and needs none)."""
    hashes = set()
    for html in pages:
        for match in _SCRIPT.finditer(html):
            attrs, body = match[1], match[2]
            if re.search(r"\bsrc\s*=", attrs, re.I):
                continue
            kind = _TYPE.search(attrs)
            if (kind[1].lower() if kind else "") not in EXECUTED_TYPES:
                continue
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            hashes.add(f"'sha256-{digest}'")
    return sorted(hashes)


def content_security_policy(pages: Iterable[str]) -> str:
    """The policy for ``pages``: our own files only; their inline scripts by hash; no plugins, no
    framing, no form posts off-site. Styles allow 'unsafe-inline' for the style attributes Material
    and `tables` write (no script can run from a style)."""
    scripts = " ".join(["'self'", *inline_script_hashes(pages)])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'none'",
    ])


_POLICY_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)


def with_policy(page: str) -> str:
    """``page`` with its own Content-Security-Policy meta (the hashes of its own inline scripts) right
    after its charset, before anything a policy governs; one put there before is replaced."""
    page = _POLICY_META.sub("", page, count=1)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy([page])}">'
    anchor = _CHARSET.search(page) or re.search(r"<head\b[^>]*>", page, re.I)
    if anchor is None:
        return page
    return page[:anchor.end()] + meta + page[anchor.end():]
