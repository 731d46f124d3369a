"""The search index in shards, so that a page fetches only what a query needs.

Material's bundle fetches ``search/search_index.json`` on every page load and hands all of it to the
worker: at N = 1,000 that was 5.4 MB per language, about 300 ms before the first query could run. The
build now splits the full index (``split``) into

- a head, which the worker fetches when it starts: every entry's location, title and boost, the
  vocabulary (each token listed under the shard that holds its postings), the length of each text
  chunk, the separator and the traditional-to-simplified table;
- postings shards of consecutive tokens in code point order (a Latin prefix's tokens sit together),
  each a list of the postings of its tokens in the head's order;
- text chunks of consecutive entries, each a list of the entries' texts.

A query fetches the shards of the tokens it matches and the chunks of the entries on the first pages
of its result, then, in the background, those of the rest (the worker, workers/kb-search.js, says
why); each file is fetched once per page. Shards and chunks of about 128 KB answered the benchmark's
queries faster at N = 1,000 than 32 or 64 KB, and as fast as 256 KB. Every file's name carries a hash of
its content, so a page holding an older head never mixes it with a newer build's shards.
``search_index.json`` itself keeps only the config, naming the head. The whole index stays in
``search_index.js``, which pages opened from disk load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

FOLDER = "kb"  # inside the site's search/ folder
POSTINGS_BYTES = 128_000
TEXT_BYTES = 128_000
META = ("location", "title", "tags", "boost")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _named(stem: str, text: str) -> str:
    return f"{stem}.{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}.json"


def _batches(items: Iterable[tuple[object, str]], limit: int) -> Iterator[list[tuple[object, str]]]:
    """Consecutive (item, its JSON) pairs, in batches whose JSON list takes at most ``limit`` bytes
    (a batch of one item may take more)."""
    batch: list[tuple[object, str]] = []
    size = 1  # "[" and "]", less the comma the first item does not need
    for item, text in items:
        length = len(text.encode("utf-8")) + 1
        if batch and size + length > limit:
            yield batch
            batch, size = [], 1
        batch.append((item, text))
        size += length
    if batch:
        yield batch


def split(index: dict, postings_bytes: int = POSTINGS_BYTES,
          text_bytes: int = TEXT_BYTES) -> tuple[dict, dict[str, str]]:
    """The lean ``search_index.json`` and the files of ``search/kb/`` (name -> content) for ``index``,
    a full index whose ``config.kb`` holds ``t2s`` and ``postings`` (kb.search_index.extend_index)."""
    config, docs = index["config"], index["docs"]
    files: dict[str, str] = {}
    vocabulary = []
    entries = sorted(config["kb"]["postings"], key=lambda pair: pair[0])
    for number, batch in enumerate(_batches(((token, dumps(gaps)) for token, gaps in entries), postings_bytes)):
        text = "[" + ",".join(gaps for _, gaps in batch) + "]"
        name = _named(f"p{number}", text)
        files[name] = text
        vocabulary.append([name, [token for token, _ in batch]])
    chunks = []
    for number, batch in enumerate(_batches(((None, dumps(doc.get("text", ""))) for doc in docs), text_bytes)):
        text = "[" + ",".join(item for _, item in batch) + "]"
        name = _named(f"t{number}", text)
        files[name] = text
        chunks.append([name, len(batch)])
    head = dumps({"docs": [{key: doc[key] for key in META if key in doc} for doc in docs],
                  "postings": vocabulary, "texts": chunks,
                  "separator": config["separator"], "t2s": config["kb"]["t2s"]})
    head_name = _named("head", head)
    files[head_name] = head
    lean = {"config": {**{k: v for k, v in config.items() if k != "kb"}, "kb": {"head": f"{FOLDER}/{head_name}"}},
            "docs": []}
    return lean, files
