"""An Atom feed (RFC 4287) per language of the newest entries, dated by their ``added`` field.

Pure: the same collection gives the same bytes; nothing depends on the clock. Links are relative to
the feed (``feed.xml`` sits at each language's root), so the feed works from any host or sub-path;
ids are name-based UUIDs, stable across hosts and builds.
"""

from __future__ import annotations

import datetime
import uuid
from xml.etree import ElementTree as ET

from kb.content.model import Answer, oneline
from kb.derive.indexes import Indexes
from kb.render.i18n import UI

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"
LIMIT = 50  # entries in the feed; readers poll it, so it stays small however large the collection
PAGE_SUFFIX = ".html"  # use_directory_urls: false (see mkdocs.yml: the site also works from disk)


def _id(*parts: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, "kb:" + "/".join(parts)).urn


def _timestamp(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def newest(answers: tuple[Answer, ...], limit: int = LIMIT) -> list[Answer]:
    """The latest additions first; entries added the same day keep their reading order."""
    ranked = sorted(enumerate(answers), key=lambda pair: (-pair[1].added.toordinal(), pair[0]))
    return [answer for _, answer in ranked[:limit]]


def atom(ix: Indexes, lang: str, author_name, entry_title) -> str:
    """The feed of language ``lang``; ``author_name`` and ``entry_title`` name things in that language."""
    t = UI[lang]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    entries = newest(ix.answers)
    add(feed, "title", t["feed_title"])
    add(feed, "subtitle", t["feed_subtitle"])
    add(feed, "id", _id("feed", lang))
    add(feed, "updated", _timestamp(entries[0].added if entries else datetime.date(1970, 1, 1)))
    add(feed, "link", rel="self", type="application/atom+xml", href=FEED_PATH)
    add(feed, "link", rel="alternate", type="text/html", href="index" + PAGE_SUFFIX)
    add(feed, "generator", "kb")
    add(feed, "rights", t["feed_rights"])
    for answer in entries:
        question = ix.questions[answer.question]
        entry = add(feed, "entry")
        add(entry, "title", entry_title(answer))
        add(entry, "id", _id("answer", answer.question, answer.id, lang))
        add(entry, "published", _timestamp(answer.added))
        add(entry, "updated", _timestamp(answer.added))
        add(entry, "link", rel="alternate", type="text/html", href=f"answers/{answer.id}{PAGE_SUFFIX}")
        add(entry, "link", rel="via", type="text/html", href=answer.source)
        add(add(entry, "author"), "name", author_name(answer.author))
        for theme in answer.themes:
            add(entry, "category", term=theme, label=ix.themes[theme].label[lang])
        add(entry, "summary", oneline(answer.summary[lang]))
        add(entry, "rights", oneline(question.copyright[lang]))
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
