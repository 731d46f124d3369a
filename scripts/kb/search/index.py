"""The search stage: the index of one language's built site, made from its HTML after MkDocs ran.

Material's search plugin stays on for its search box, but every page is ``search: exclude``: its
``search/search_index.json`` holds only its ``config`` (``lang``, ``separator``, ``pipeline``,
``fields``), which is kept. :func:`write_index` then reads every built page and writes

- ``search/search_index.json``: ``{"config": {...config, "kb": {"head": ...}}, "docs": []}``, the
  lean index every page fetches (kb.search.shards);
- ``search/kb/p<n>.<hash>.json`` and ``t<n>.<hash>.json``: the postings shards and text chunks the
  worker (workers/kb-search.js) fetches as queries need them; stale ones removed;
- ``search/search_index.js``: ``var __index = {"config": {...config, "kb": {"postings": [[token,
  gaps], ...], "t2s": {traditional: simplified}}}, "docs": [entry, ...]}``, the whole index, which a
  page opened from disk (file://) loads.

Entries (kb.search.pages) come page by page in a fixed order: by folder, each folder's
``index.html`` first, then its other pages by name, then its subfolders (``index.html``,
``about.html``, ``answers/index.html``, ``answers/angie-zhang.html``, ...). ``404.html`` at the
root is not a page of the site and is not indexed. Files whose bytes are unchanged are not written
again, so a rebuild under ``kb serve`` leaves them alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path

from kb.derive.segment import Segmenter
from kb.search import shards
from kb.search.pages import page_entries
from kb.search.tokens import postings

SCRIPT_PREFIX = b"var __index = "
NOT_INDEXED = ("404.html",)  # at the site's root


@cache
def traditional_to_simplified() -> dict[str, str]:
    """Every CJK unified ideograph (U+4E00-U+9FFF) whose simplified form (OpenCC's t2s) is a
    different single character: ``{"學": "学", ...}``."""
    import opencc

    converter = opencc.OpenCC("t2s.json")
    table = {}
    for code in range(0x4E00, 0xA000):
        char = chr(code)
        simplified = converter.convert(char)
        if simplified != char and len(simplified) == 1:
            table[char] = simplified
    return table


def pages(site_dir: Path, exclude: Sequence[str] = ()) -> Iterator[tuple[str, Path]]:
    """(URL, file) of every built page under ``site_dir``, in the index's order, skipping the
    top-level folders named in ``exclude`` (the other language's site inside this one)."""
    def order(path: Path) -> tuple:
        parts = path.relative_to(site_dir).parts
        return (parts[:-1], parts[-1] != "index.html", parts[-1])

    found = [path for path in site_dir.rglob("*.html")
             if path.relative_to(site_dir).parts[0] not in exclude
             and path.relative_to(site_dir).as_posix() not in NOT_INDEXED]
    for path in sorted(found, key=order):
        yield path.relative_to(site_dir).as_posix(), path


def material_config(search_dir: Path) -> dict:
    """The config Material's plugin wrote (without what an earlier pass added to it)."""
    path = search_dir / "search_index.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: Material's search plugin wrote no index (is it enabled?)")
    config = json.loads(path.read_text(encoding="utf-8"))["config"]
    return {key: value for key, value in config.items() if key != "kb"}


def site_entries(site_dir: Path, segmenter: Segmenter, boosts: Mapping[str, float] = {},
                 exclude: Sequence[str] = ()) -> dict[str, list[dict]]:
    """Every indexed page's entries (kb.search.pages), by URL, in the index's order: each page of a
    site read and cut once, for its own index and for its pair's (:func:`as_other`)."""
    return {url: page_entries(path.read_text(encoding="utf-8"), url, segmenter, boosts.get(url))
            for url, path in pages(site_dir, exclude)}


def as_other(entries: Sequence[dict]) -> str:
    """A page's entries as the one text its paired page in the other language carries (titles,
    metadata and texts)."""
    return " ".join(part for entry in entries for part in (entry["title"], entry.get("meta", ""), entry["text"])
                    if part)


def pairs_other(url: str, boost: float | None) -> bool:
    """Whether a page's entry carries its paired page's text: the pages that are a reader's entries
    (answers and the like), not the aggregate pages (lists, glossary, stances: those carry a boost),
    which would only quote the other language again."""
    return boost is None and not url.endswith("index.html")


def build_index(site_dir: Path, own: Mapping[str, list[dict]], other: Mapping[str, list[dict]] | None,
                boosts: Mapping[str, float] = {}) -> dict:
    """The whole index of the site in ``site_dir``: ``{"config": {..., "kb": {"t2s", "postings"}},
    "docs": [...]}``, postings as token -> JSON (kb.search.tokens), from its pages' entries ``own``
    (:func:`site_entries`). A page's own entry (not its sections) also holds ``other``, the text of
    the same path in the other language's site (its entries in ``other``, None when there is none),
    cut into postings of their own field but never shown: a Chinese query finds the English page of
    the answer that says it, and the reader stays in the site's language."""
    config = material_config(site_dir / "search")
    docs = []
    for url, found in own.items():
        entries = list(found)
        paired = other is not None and entries and entries[0]["location"] == url and pairs_other(url, boosts.get(url))
        if paired and (text := as_other(other.get(url, ()))):
            entries[0] = {**entries[0], "other": text}  # a new entry: ``own`` is the pair's ``other`` too
        docs += entries
    t2s = traditional_to_simplified()
    config["kb"] = {"t2s": t2s, "postings": postings(docs, config["separator"], t2s)}
    return {"config": config, "docs": docs}


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it holds them already; whether it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def write_shards(search_dir: Path, files: Mapping[str, bytes]) -> None:
    """``files`` in ``search_dir/kb``: new names written, names no longer used removed. A name
    carries a hash of its content, so a file that exists already holds what it would be given."""
    folder = search_dir / shards.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if not (folder / name).is_file():
            (folder / name).write_bytes(data)
    for stale in folder.iterdir():
        if stale.name not in files:
            stale.unlink()


def write_index(site_dir: Path, own: Mapping[str, list[dict]], other: Mapping[str, list[dict]] | None = None,
                boosts: Mapping[str, float] = {}) -> int:
    """Make the search index of the built site in ``site_dir`` from its pages' entries (and its pair's,
    see :func:`build_index`) and write its files (see above); ``boosts`` maps a page's URL to the
    boost of its entries. Returns the number of entries."""
    index = build_index(site_dir, own, other, boosts)
    search_dir = site_dir / "search"
    lean, files = shards.split(index)
    write_shards(search_dir, files)
    write_if_changed(search_dir / "search_index.json", shards.dumps(lean).encode())
    write_if_changed(search_dir / "search_index.js", SCRIPT_PREFIX + shards.dumps_whole(index) + b"\n")
    return len(index["docs"])


def read_index(search_dir: Path) -> dict:
    """The whole index a build left in ``search_dir`` (its script holds all of it)."""
    return json.loads((search_dir / "search_index.js").read_bytes().removeprefix(SCRIPT_PREFIX))
