"""The search index in shards, so that a page fetches only what a query needs.

Material's bundle fetches ``search/search_index.json`` on every page load and hands all of it to the
worker: at N = 1,000 the whole index was 5.4 MB per language, about 300 ms before the first query could
run. The build splits the full index (``split``) into

- a head, which ``search_index.json`` holds in its config (so the worker has it with the SETUP message,
  without a request of its own): every entry's location, title and boost, written short
  (``compact_docs``), the vocabulary (each token listed under the shard that holds its postings), the
  length of each text chunk and the traditional-to-simplified table as one string of pairs;
- postings shards of consecutive tokens in code point order (a Latin prefix's tokens sit together),
  each a list of the postings of its tokens in the head's order;
- text chunks of consecutive entries, each a list of the entries' texts.

Titles and texts lose the zero-width spaces Material's plugin cut them with (a third of the texts'
bytes): the postings are cut already, and the worker shows a title or text and compares a title whole.

A query fetches the shards of the tokens it matches and the chunks of the entries on the first pages
of its result, then, in the background, those of the rest (the worker, workers/kb-search.js, says
why); each file is fetched once per page. Shards and chunks of about 128 KB answered the benchmark's
queries faster at N = 1,000 than 32 or 64 KB, and as fast as 256 KB. Every file's name carries a hash of
its content, so a page holding an older head never mixes it with a newer build's shards. The whole
index stays in ``search_index.js``, which pages opened from disk load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from json.encoder import encode_basestring as _string  # a string as JSON, as dumps writes it
from typing import TypeVar

from kb.search.text import ZWSP

FOLDER = "kb"  # inside the site's search/ folder
POSTINGS_BYTES = 128_000
TEXT_BYTES = 128_000
EXTRA = ("tags", "boost", "author")  # what an entry may have besides its location, title and text
T = TypeVar("T")


def dumps(value: object) -> str:
    """JSON as every index file is written: compact, keys sorted, UTF-8 characters as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def encoded_postings(postings: list[list] | Mapping[str, str]) -> dict[str, str]:
    """Token -> its postings as JSON, from an index's ``config.kb.postings``: ``[[token, gaps], ...]``
    as the whole index holds them, or already token -> JSON (kb.search.tokens.postings)."""
    if isinstance(postings, Mapping):
        return dict(postings)
    return {token: dumps(gaps) for token, gaps in postings}


def dumps_whole(index: dict) -> bytes:
    """``dumps(index)`` in UTF-8, for a full index whose ``config.kb`` holds ``t2s`` (traditional ->
    simplified) and ``postings`` (token -> JSON, kb.search.tokens.postings): the postings are written
    as ``[[token, gaps], ...]`` in code point order, each token's JSON as it is (at N = 10,000, tens of
    thousands of lists not decoded and encoded again). What ``search_index.js`` holds."""
    config, kb = index["config"], index["config"]["kb"]
    postings = sorted(encoded_postings(kb["postings"]).items())
    listed = "[" + ",".join(f"[{_string(token)},{gaps}]" for token, gaps in postings) + "]"
    kb_json = _object({key: listed if key == "postings" else dumps(value) for key, value in kb.items()})
    fields = _object({key: kb_json if key == "kb" else dumps(value) for key, value in config.items()})
    others = {key: value for key, value in index.items() if key not in ("config", "docs")}
    if others:
        raise ValueError(f"a search index holds config and docs only, not {sorted(others)}")
    docs = ",".join(map(dumps, index["docs"]))
    return f'{{"config":{fields},"docs":[{docs}]}}'.encode()


def _object(encoded: Mapping[str, str]) -> str:
    """A JSON object from its keys and their values' JSON, keys sorted (as ``dumps`` writes it)."""
    return "{" + ",".join(f"{_string(key)}:{value}" for key, value in sorted(encoded.items())) + "}"


def _named(stem: str, data: bytes) -> str:
    return f"{stem}.{hashlib.sha1(data).hexdigest()[:12]}.json"


def compact_docs(docs: list[dict]) -> list[list]:
    """Each entry as ``[location, title]``, plus ``{tags, boost}`` when it has either: a location in the
    page of the entry before it is only its ``#anchor`` (as Material lists a page, then its sections);
    a title equal to the one before it (without zero-width spaces) is ``0``. ``read_docs`` and the
    worker read it back."""
    compact: list[list] = []
    page, title = "", None
    for doc in docs:
        location = doc["location"]
        base, anchored, anchor = location.partition("#")
        if not base and anchored and page:
            raise ValueError(f"search entry {location!r}: a section of the site root's page must follow it")
        item: list = [f"#{anchor}" if anchored and base == page else location]
        page = base
        shown = doc["title"].replace(ZWSP, "")
        item.append(0 if shown == title else shown)
        title = shown
        if extra := {key: doc[key] for key in EXTRA if key in doc}:
            item.append(extra)
        compact.append(item)
    return compact


def read_docs(compact: list[list]) -> list[dict]:
    """The entries' location, title, tags and boost from ``compact_docs`` (as the worker reads them)."""
    docs: list[dict] = []
    page, title = "", ""
    for location, shown, *extra in compact:
        if location.startswith("#"):
            location = page + location
        page = location.partition("#")[0]
        title = title if shown == 0 else shown
        docs.append({"location": location, "title": title, **(extra[0] if extra else {})})
    return docs


def pairs(t2s: Mapping[str, str]) -> str:
    """The traditional-to-simplified table as one string, each traditional character followed by its
    simplified one (half the bytes of the JSON object). The worker reads it by code point: 633 of the
    simplified characters lie beyond the basic plane (俓 -> 𠇹)."""
    if any(len(key) != 1 or len(value) != 1 for key, value in t2s.items()):
        raise ValueError("the traditional-to-simplified table must map single characters")
    return "".join(key + value for key, value in sorted(t2s.items()))


def _batches(items: Iterable[tuple[object, T, int]], limit: int) -> Iterator[list[tuple[object, T, int]]]:
    """Consecutive (item, its JSON, the JSON's UTF-8 bytes and a comma) triples, in batches whose JSON
    list takes at most ``limit`` bytes (a batch of one item may take more)."""
    batch: list[tuple[object, T, int]] = []
    size = 1  # "[" and "]", less the comma the first item does not need
    for item, text, length in items:
        if batch and size + length > limit:
            yield batch
            batch, size = [], 1
        batch.append((item, text, length))
        size += length
    if batch:
        yield batch


def split(index: dict, postings_bytes: int = POSTINGS_BYTES, text_bytes: int = TEXT_BYTES
          ) -> tuple[dict, dict[str, bytes]]:
    """The lean ``search_index.json`` (the config and the head) and the files of ``search/kb/``
    (name -> content, in UTF-8) for ``index``, a full index whose ``config.kb`` holds ``t2s`` and
    ``postings`` (as ``encoded_postings`` reads them)."""
    config, docs = index["config"], index["docs"]
    files: dict[str, bytes] = {}
    vocabulary = []
    entries = sorted(encoded_postings(config["kb"]["postings"]).items())
    sized = ((token, gaps, len(gaps.encode("utf-8")) + 1) for token, gaps in entries)
    for number, batch in enumerate(_batches(sized, postings_bytes)):
        data = ("[" + ",".join(gaps for _, gaps, _ in batch) + "]").encode("utf-8")
        name = _named(f"p{number}", data)
        files[name] = data
        vocabulary.append([name, [token for token, _, _ in batch]])
    chunks = []
    encoded = (dumps(doc.get("text", "").replace(ZWSP, "")).encode("utf-8") for doc in docs)
    for number, batch in enumerate(_batches(((None, text, len(text) + 1) for text in encoded), text_bytes)):
        data = b"[" + b",".join(text for _, text, _ in batch) + b"]"
        name = _named(f"t{number}", data)
        files[name] = data
        chunks.append([name, len(batch)])
    head = {"docs": compact_docs(docs), "folder": f"{FOLDER}/", "postings": vocabulary, "texts": chunks,
            "t2s": pairs(config["kb"]["t2s"])}
    lean = {"config": {**{k: v for k, v in config.items() if k != "kb"}, "kb": {"head": head}}, "docs": []}
    return lean, files
