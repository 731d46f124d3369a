"""The search index's entries of one built page, read from its HTML as Material's search plugin made
them from the page's content.

An entry is ``{"location": str, "title": str, "text": str}``, plus ``"boost": float`` for a page
given one. The page's content is what its ``<article class="md-content__inner md-typeset">`` holds
(the Markdown rendered; a heading the theme adds for a page without one is left out, as the plugin
never saw it). It is cut into sections at each heading ``h1``-``h6`` that has an id:

- ``location`` is the page's URL (``answers/naiyan-wang.html``), then ``#id`` for a section. The
  first section is the page itself (its heading's id left out) when the content opens with an ``h1``
  that has an id; otherwise whatever comes before the first such heading (possibly nothing: an HTML
  comment, or a first heading that is an ``h2``) is the page's entry, titled with the page's title,
  and every heading with an id starts a section (``about.html`` with text ``""``, then
  ``about.html#来源``).
- ``title`` is the heading's text without its permalink (``¶``).
- ``text`` is the section's HTML up to the next heading with an id, keeping only the tags the plugin
  keeps (``p code pre li ol ul sub sup``, without attributes), text escaped as HTML (``& < >``),
  whitespace outside ``<pre>`` collapsed to single spaces, elements left empty dropped.

What is marked ``data-search-exclude`` is left out first: the element, and for a heading its whole
section (:func:`without_excluded`). Titles and texts have their Han cut into words joined by U+200B
(kb.search.text). Everything is done with regular expressions over the article: one pass per step,
no HTML parser (a page costs well under a millisecond).
"""

from __future__ import annotations

import html
import re

from kb.derive.segment import Segmenter
from kb.search.text import segment

_ARTICLE = '<article class="md-content__inner md-typeset">'
_PAGE_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_THEMES_H1 = re.compile(r"\A<h1>.*?</h1>", re.S)  # Material's own, for content without an <h1
_HEADING = re.compile(r"<h([1-6])\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</h\1\s*>", re.S | re.I)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_PERMALINK = re.compile(r"""<a\b[^>]*\bclass=["']headerlink["'][^>]*>.*?</a\s*>""", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_UNINDEXED = re.compile(r"<!--.*?-->|<(script|style|object)\b.*?</\1\s*>", re.S | re.I)
_PRE = re.compile(r"(<pre\b.*?</pre\s*>)", re.S | re.I)
KEPT = ("p", "code", "pre", "li", "ol", "ul", "sub", "sup")
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>|<!--.*?-->""", re.S)
_KEPT_TAG = re.compile(f"(</?(?:{'|'.join(KEPT)})>)")
_EMPTY = re.compile(f" ?<({'|'.join(KEPT)})>\\s*</\\1>")
_SPACE = re.compile(r"[ \t\n\r\f\v]+")

_EXCLUDED = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\sdata-search-exclude(?=[\s=/>])[^>]*>")
_SECTION_START = re.compile(r"<h[1-6]\b[^>]*\sid=", re.I)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def article(page: str) -> str | None:
    """The content of the page's article (None for a page without one): what Markdown rendered."""
    start = page.find(_ARTICLE)
    if start < 0:
        return None
    start += len(_ARTICLE)
    end = page.rfind("</article>")
    content = page[start:end if end > start else len(page)].strip()
    if content.startswith("<h1>") and content.count("<h1") == 1:
        content = _THEMES_H1.sub("", content, count=1).lstrip()
    return content


def page_title(page: str) -> str:
    """The page's own title, as ``<title>`` holds it before `` - `` and the site's name."""
    found = _PAGE_TITLE.search(page)
    return html.unescape(found[1].strip().rpartition(" - ")[0] or found[1].strip()) if found else ""


def without_excluded(content: str) -> str:
    """``content`` without what the search index leaves out: every element marked
    ``data-search-exclude`` and, for a marked heading, its whole section (up to the next heading with
    an id, where the next section starts). An element ends at its matching end tag, nested elements
    of the same name counted (Material's parser ended it at the first end tag of its name)."""
    kept, position = [], 0
    while match := _EXCLUDED.search(content, position):
        kept.append(content[position:match.start()])
        tag = match[1].lower()
        if re.fullmatch(r"h[1-6]", tag):
            following = _SECTION_START.search(content, match.end())
            position = following.start() if following else len(content)
        elif tag in _VOID or match[0].endswith("/>"):
            position = match.end()
        else:
            position = _element_end(content, tag, match.end())
    kept.append(content[position:])
    return "".join(kept)


def _element_end(content: str, tag: str, start: int) -> int:
    """Where the element opened just before ``start`` ends (nested elements of the same name counted)."""
    depth = 1
    for found in re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE).finditer(content, start):
        depth += -1 if found[1] else 1
        if depth == 0:
            return found.end()
    return len(content)


def _tag(match: re.Match[str]) -> str:
    name = (match[2] or "").lower()
    return f"<{match[1]}{name}>" if name in KEPT else ""


def as_text(fragment: str) -> str:
    """A fragment of HTML as the index holds it: only the kept tags, bare; text escaped as HTML;
    whitespace outside ``<pre>`` collapsed; kept elements with nothing in them dropped."""
    fragment = _UNINDEXED.sub("", fragment)
    parts = _PRE.split(fragment) if "<pre" in fragment else [fragment]
    fragment = "".join(part if n % 2 else _SPACE.sub(" ", part) for n, part in enumerate(parts))
    pieces = _KEPT_TAG.split(_TAG.sub(_tag, fragment))
    for at in range(0, len(pieces), 2):  # the text between kept tags
        if "&" in pieces[at] or ">" in pieces[at]:
            pieces[at] = html.escape(html.unescape(pieces[at]), quote=False)
    text = "".join(pieces)
    while True:
        emptied = _EMPTY.sub("", text)
        if emptied == text:
            return text.strip()
        text = emptied


def sections(content: str, url: str, title: str) -> list[dict[str, str]]:
    """The entries of a page's content (already without its excluded parts), before any cut:
    ``[{"location", "title", "text"}]``, the page first; ``title`` is the page's own."""
    headings = [(found, _heading_id(found[2])) for found in _HEADING.finditer(content)]
    headings = [(found, anchor) for found, anchor in headings if anchor is not None]
    if not headings:
        return [{"location": url, "title": title, "text": as_text(content)}]
    entries, first = [], headings[0][0]
    # Material's parser starts the page's entry at anything before the first heading, but a comment.
    opens_with_h1 = first[1] == "1" and not _COMMENT.sub("", content[:first.start()])
    if not opens_with_h1:
        entries.append({"location": url, "title": title, "text": as_text(content[:first.start()])})
    ends = [found.start() for found, _ in headings[1:]] + [len(content)]
    for number, ((found, anchor), end) in enumerate(zip(headings, ends, strict=True)):
        entries.append({"location": url if number == 0 and opens_with_h1 else f"{url}#{anchor}",
                        "title": as_text(_PERMALINK.sub("", found[3])) or title,
                        "text": as_text(content[found.end():end])})
    return entries


def _heading_id(attributes: str) -> str | None:
    found = _ID.search(attributes)
    return None if found is None else html.unescape(next(g for g in found.groups() if g is not None))


_META = re.compile(r'<div class="kb-meta">(.*?)</div>', re.S)
_META_P = re.compile(r"<p>(.*?)</p>", re.S)
_LABEL = re.compile(r'<span class="kb-meta__label">(.*?)</span>', re.S)
_AUTHOR_LABELS = ("作者", "author")
_MARK = "\ue000"  # where the metadata stood, to find the section that held it


def _plain(fragment: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", fragment))).strip()


def metadata(content: str) -> tuple[str, str, str]:
    """``content`` without its answer metadata (``<div class="kb-meta">``: author, stance, themes,
    question), that metadata as plain text, and the author's name ("" when there is none). The
    metadata stays searchable (the entry's ``meta``, cut with its text) but is not shown as a
    preview; the author is shown with the matched sentence."""
    found = _META.search(content)
    if found is None:
        return content, "", ""
    author = ""
    for paragraph in _META_P.findall(found[1]):
        label = _LABEL.search(paragraph)
        if label and _plain(label[1]).lower() in _AUTHOR_LABELS:
            author = _plain(_LABEL.sub("", paragraph, count=1))
            break
    meta = html.escape(_plain(_LABEL.sub(lambda m: m[0] + " ", found[1])), quote=False)
    return content[:found.start()] + _MARK + content[found.end():], meta, author


def page_entries(page: str, url: str, segmenter: Segmenter, boost: float | None = None) -> list[dict]:
    """The index's entries of one built page (``page`` its HTML, ``url`` its path from the site's
    root), Han cut into words; none for a page without an article. An answer's metadata is the
    ``meta`` of the section that held it (see ``metadata``), its author the ``author`` of that
    section and of the page's entry."""
    content = article(page)
    if content is None:
        return []
    if "data-search-exclude" in content:
        content = without_excluded(content)
    content, meta, author = metadata(content)
    entries: list[dict] = sections(content, url, page_title(page))
    for entry in entries:
        if _MARK in entry["text"]:
            entry["text"] = _EMPTY.sub("", entry["text"].replace(_MARK, "")).strip()
            entry["meta"] = segment(meta, segmenter)
            if author:
                entry["author"] = author
        entry["title"] = segment(entry["title"], segmenter)
        entry["text"] = segment(entry["text"], segmenter)
        if boost is not None:
            entry["boost"] = boost
    if author and entries and entries[0]["location"] == url:
        entries[0]["author"] = author
    return entries
