"""Search-side build steps, run from the MkDocs hooks when ``extra.kb_search`` is true.

- The collection's own words (glossary terms and aliases, author names, theme and stance labels)
  become jieba user words before Material's search plugin cuts the pages, so they are indexed
  whole: 集中不等式 is one token, not 集中 + 不等式.
- The index gets a traditional-to-simplified character table (from OpenCC), which the search
  worker applies to queries: a reader typing 深度學習 finds 深度学习; and its postings, cut at build
  time by the worker's rules (kb.search_tokens), so that opening the index does not cut every page.
- The index is split into shards that the worker fetches as queries need them (kb.search_shards);
  ``search_index.json``, which Material's bundle fetches on every page, only names the shards' head.
- Every page's ``__config`` points Material at our worker instead of its own.
- The whole index is written as a script, for readers who open the site from disk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from kb import search_shards
from kb._jieba import jieba
from kb.dictionary import taught
from kb.memo import Latest, Table
from kb.model import Collection
from kb.search_tokens import postings

WORKER = "assets/javascripts/workers/kb-search.js"
_MATERIAL_WORKER = re.compile(r'("search":\s*")([^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def user_words(collection: Collection) -> list[str]:
    """Words of the collection that must stay whole in the search index (Han script only)."""
    words: set[str] = set()
    for term in collection.terms:
        words.update((term.zh, *term.aliases.zh))
    for answer in collection.answers:
        words.update(w for w in (answer.author.name, answer.author.name_en) if w)
    for item in (*collection.themes, *collection.stances):
        words.add(item.label.zh)
    return sorted(w for w in words if re.search(r"[\u4e00-\u9fff]", w) and " " not in w)


_taught: tuple[str, ...] | None = None  # the words jieba's global tokenizer was last taught here


def add_user_words(collection: Collection) -> tuple[str, ...]:
    """Teach jieba's global tokenizer (Material's search plugin cuts with it, and so do kb.search_text's
    texts) the collection's words, and only those; returns them.

    When the words differ from the last ones taught (`kb serve` after a glossary edit), the tokenizer
    starts again from jieba's dictionary: a removed or renamed term must stop keeping its word whole,
    and a word's frequency is suggested from what the tokenizer knows, so the words are always taught
    in the same order to the same dictionary, as in a fresh process."""
    global _taught
    words = tuple(user_words(collection))
    if words != _taught:
        taught(jieba.dt, words)  # a new copy of the dictionary kb.terms has read already
        _taught = words
    return words


# The table below, carried to the next process (kb.memo, whose key holds OpenCC's version): asking
# OpenCC about 20,992 characters takes 30 ms, in each language's build.
_T2S: Latest[dict[str, str]] = Latest("search_index.t2s")


@cache
def traditional_to_simplified() -> dict[str, str]:
    """Every CJK unified ideograph whose simplified form is a different single character."""
    if _T2S.value is not None:
        return _T2S.value
    import opencc

    converter = opencc.OpenCC("t2s.json")
    table = {}
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        simplified = converter.convert(char)
        if simplified != char and len(simplified) == 1:
            table[char] = simplified
    _T2S.value = table
    return table


_SCRIPT_PREFIX = "var __index = "


def read_index(search_dir: Path) -> dict:
    """The whole index a build left in ``search_dir`` (its script holds all of it)."""
    text = (search_dir / "search_index.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix(_SCRIPT_PREFIX))


# The entries each page gave the index last written in a site's search folder, with their JSON as the
# index files hold it (search_shards.encode), and the size, modification and change times of its
# script just after: while those are unchanged, the script holds these entries, and a build after an
# edit takes them from here instead of reading the whole index back (at N = 10,000, 40 MB per
# language), and writes them without encoding them again (0.02-0.03 s per language at N = 1,000).
# Carried to the next process (kb.memo) page by page.
_Held = tuple[tuple[dict, ...], tuple[search_shards.Encoded, ...]]  # a page's entries, and their JSON
_PAGES: Table[tuple[str, str], _Held] = Table("search_index.pages")
_WRITTEN: Table[str, tuple[int, int, int]] = Table("search_index.written")


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def read_docs(site_dir: Path) -> list[dict]:
    """The entries of the index a previous build left in ``site_dir`` (none if there is none), grouped
    by page; from what was carried when it is the index last written there."""
    search_dir = site_dir / "search"
    stamp = _stamp(search_dir / "search_index.js")
    if stamp is None:
        return []
    if _WRITTEN.get(str(search_dir)) == stamp:
        return [doc for (folder, _), (docs, _) in _PAGES.items() if folder == str(search_dir) for doc in docs]
    return read_index(search_dir)["docs"]


def _entries(search_dir: Path, docs: list[dict]) -> dict[str, _Held]:
    """Each page's entries among ``docs``, with their JSON (search_shards.encode): as carried, for a
    page whose entries are the very ones carried (a page not rendered again), else encoded now."""
    folder, pages = str(search_dir), {}
    for doc in docs:
        pages.setdefault(doc["location"].partition("#")[0], []).append(doc)
    held = {}
    for page, found in pages.items():
        known = _PAGES.get((folder, page))
        if known is None or len(known[0]) != len(found) or any(
                a is not b for a, b in zip(known[0], found, strict=True)):
            known = (tuple(found), tuple(map(search_shards.encode, found)))
        held[page] = known
    return held


def _remember(search_dir: Path, pages: dict[str, _Held]) -> None:
    """Carry the entries just written to ``search_dir`` and their JSON, page by page (:func:`_entries`)."""
    folder = str(search_dir)
    for page, held in pages.items():
        if _PAGES.get((folder, page)) is not held:
            _PAGES[(folder, page)] = held
    for key in [key for key, _ in _PAGES.items() if key[0] == folder and key[1] not in pages]:
        _PAGES.pop(key)
    stamp = _stamp(search_dir / "search_index.js")
    if stamp is not None:
        _WRITTEN[folder] = stamp


def write_shards(search_dir: Path, files: dict[str, bytes]) -> None:
    """``files`` in ``search_dir/kb``: new names written, names no longer used removed. A name
    carries a hash of its content, so a file that exists already holds what it would be given."""
    folder = search_dir / search_shards.FOLDER
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        if not (folder / name).is_file():
            (folder / name).write_bytes(data)
    for stale in folder.iterdir():
        if stale.name not in files:
            stale.unlink()


def extend_index(site_dir: Path, merge: Callable[[list[dict]], list[dict]], language: str) -> None:
    """Complete the index Material's plugin wrote in ``search/search_index.json``, add the character
    table and the postings (kb.search_tokens), and write it again, in shards (kb.search_shards).

    ``merge`` completes the plugin's entries: those the hooks made from the model (kb.search_text)
    and, in a dirty build, those of the pages not rendered again (kb.incremental). The whole index
    is written as ``search/search_index.js`` (``var __index = ...``, compact, keys sorted), which is
    what Material loads instead of the JSON when the site is opened from disk (file://); the JSON
    keeps the config and names the shards' head. ``language`` is the site's: each language carries
    its own postings counts (the indexes' own ``lang`` settings may be equal).
    """
    search_dir = site_dir / "search"
    path = search_dir / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    index["docs"] = merge(index["docs"])
    t2s = traditional_to_simplified()
    cut = postings(index["docs"], index["config"]["separator"], t2s, index=language)
    index["config"]["kb"] = {"t2s": t2s, "postings": cut}
    pages = _entries(search_dir, index["docs"])
    by_id = {id(doc): entry for docs, entries in pages.values() for doc, entry in zip(docs, entries, strict=True)}
    encoded = [by_id[id(doc)] for doc in index["docs"]]
    lean, files = search_shards.split(index, encoded=encoded)
    write_shards(search_dir, files)
    path.write_text(search_shards.dumps(lean), encoding="utf-8")
    path.with_suffix(".js").write_bytes(_SCRIPT_PREFIX.encode() + search_shards.dumps_whole(index, encoded) + b"\n")
    _remember(search_dir, pages)


_EXCLUDED = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?\sdata-search-exclude(?=[\s=/>])[^>]*>")
_SECTION_START = re.compile(r"<h[1-6]\b[^>]*\sid=")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def without_excluded(html: str) -> str:
    """``html`` without what the search index leaves out: every element marked ``data-search-exclude``
    and, for a marked heading, its whole section (up to the next heading with an id, where Material's
    plugin starts the next section). What is left is what the plugin indexes, and much less to parse."""
    kept, position = [], 0
    while match := _EXCLUDED.search(html, position):
        kept.append(html[position:match.start()])
        tag = match[1].lower()
        if re.fullmatch(r"h[1-6]", tag):
            following = _SECTION_START.search(html, match.end())
            position = following.start() if following else len(html)
        elif tag in _VOID or match[0].endswith("/>"):
            position = match.end()
        else:
            position = _element_end(html, tag, match.end())
    kept.append(html[position:])
    return "".join(kept)


def _element_end(html: str, tag: str, start: int) -> int:
    """Where the element opened just before ``start`` ends (nested elements of the same name counted)."""
    depth = 1
    for found in re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE).finditer(html, start):
        depth += -1 if found[1] else 1
        if depth == 0:
            return found.end()
    return len(html)


def index_entries(page, content: str, search_meta: dict | None) -> list[dict]:
    """The entries Material's search plugin makes for ``page`` when its content is ``content``.

    Uses the plugin's own indexer (``SearchIndex``), so sections, kept tags and the Chinese cut are
    exactly the plugin's; a test checks the result against the built pages."""
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex

    indexer = SearchIndex()
    meta = {**page.meta, "search": search_meta or {}}
    indexer.add_entry_from_context(SimpleNamespace(meta=meta, content=content, toc=page.toc, url=page.url,
                                                   title=page.title))
    return indexer.entries


def use_our_worker(html: str) -> str:
    """Point the page's ``__config`` at our worker; fail loudly if Material's markup has changed."""
    replaced, count = _MATERIAL_WORKER.subn(lambda m: f'{m[1]}{m[2]}{WORKER}"', html)
    if count != 1:
        raise ValueError("Material's __config no longer names its search worker where expected")
    return replaced
