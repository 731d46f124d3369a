"""kb.search_shards: the index split into a head, postings shards and text chunks, and written beside
the JSON (kb.search_index.write_shards). The browser tests read the real site's shards with the worker."""

from __future__ import annotations

import json
import os

from kb.search_index import write_shards
from kb.search_shards import FOLDER, split


def index(texts: list[str]) -> dict:
    docs = [{"location": f"p{n}.html", "title": f"Title {n}", "text": text, **({"boost": 2} if n == 1 else {})}
            for n, text in enumerate(texts)]
    postings = [[f"w{n:03}", [n, 2 + n % 2]] for n in range(60)] + [["alpha", [0, 3]]]
    return {"config": {"lang": ["zh"], "separator": "[\\s]+", "kb": {"t2s": {"學": "学"}, "postings": postings}},
            "docs": docs}


def join(lean: dict, files: dict[str, str]) -> dict:
    """The whole index again, read as the worker reads the shards."""
    head = json.loads(files[lean["config"]["kb"]["head"].removeprefix(f"{FOLDER}/")])
    postings = [[token, gaps] for name, tokens in head["postings"]
                for token, gaps in zip(tokens, json.loads(files[name]), strict=True)]
    texts = [text for name, _ in head["texts"] for text in json.loads(files[name])]
    config = {**lean["config"], "separator": head["separator"], "kb": {"t2s": head["t2s"], "postings": postings}}
    return {"config": config, "docs": [{**meta, "text": text} for meta, text in zip(head["docs"], texts, strict=True)]}


def test_the_shards_hold_the_whole_index_tokens_in_order_and_texts_in_turn():
    whole = index([f"text {n} " * 20 for n in range(30)])
    lean, files = split(whole, postings_bytes=100, text_bytes=500)
    assert lean["docs"] == [] and set(lean["config"]) == {"lang", "separator", "kb"}
    joined = join(lean, files)
    assert joined["docs"] == whole["docs"]
    assert joined["config"]["kb"]["postings"] == sorted(whole["config"]["kb"]["postings"])
    assert joined["config"]["kb"]["t2s"] == {"學": "学"}
    head = json.loads(files[lean["config"]["kb"]["head"].removeprefix(f"{FOLDER}/")])
    assert "text" not in head["docs"][0] and head["docs"][1]["boost"] == 2
    assert len(head["postings"]) > 3 and len(head["texts"]) > 5
    for name, _ in head["postings"]:
        assert len(files[name].encode()) <= 100
    for name, _ in head["texts"]:
        assert len(files[name].encode()) <= 500


def test_an_entry_larger_than_a_chunk_gets_a_chunk_of_its_own():
    lean, files = split(index(["short", "long " * 400, "short"]), text_bytes=100)
    head = json.loads(files[lean["config"]["kb"]["head"].removeprefix(f"{FOLDER}/")])
    assert [count for _, count in head["texts"]] == [1, 1, 1]


def test_the_same_index_gives_the_same_files_and_a_changed_text_a_new_head():
    whole = index(["one", "two", "three"])
    assert split(whole) == split(index(["one", "two", "three"]))
    lean, files = split(whole)
    changed, changed_files = split(index(["one", "two", "three!"]))
    assert changed["config"]["kb"]["head"] != lean["config"]["kb"]["head"]
    assert {n for n in files if n.startswith("p")} == {n for n in changed_files if n.startswith("p")}


def test_writing_shards_adds_new_names_keeps_unchanged_files_and_removes_stale_ones(tmp_path):
    _, first = split(index(["one", "two"]), postings_bytes=100)
    write_shards(tmp_path, first)
    folder = tmp_path / FOLDER
    kept = next(n for n in first if n.startswith("p0."))
    os.utime(folder / kept, (1, 1))
    _, second = split(index(["one", "two", "three"]), postings_bytes=100)
    write_shards(tmp_path, second)
    assert {p.name for p in folder.iterdir()} == set(second)
    assert (folder / kept).stat().st_mtime == 1  # same name, same content: not written again
    assert all((folder / name).read_text(encoding="utf-8") == text for name, text in second.items())
