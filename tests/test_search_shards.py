"""kb.search.shards: the index split into a head (inside search_index.json), postings shards and text
chunks written beside it (kb.search.index.write_shards), and the whole index as search_index.js holds
it. The browser tests read the real site's shards with the worker."""

from __future__ import annotations

import json
import os

import pytest

from kb.search.index import write_shards
from kb.search.shards import FOLDER, compact_docs, dumps, dumps_whole, pairs, read_docs, split


def index(texts: list[str]) -> dict:
    docs = [{"location": f"p{n}.html", "title": f"Title {n}", "text": text, **({"boost": 2} if n == 1 else {})}
            for n, text in enumerate(texts)]
    postings = [[f"w{n:03}", [n, 2 + n % 2]] for n in range(60)] + [["alpha", [0, 3]]]
    return {"config": {"lang": ["zh"], "separator": "[\\s]+", "kb": {"t2s": {"學": "学"}, "postings": postings}},
            "docs": docs}


def join(lean: dict, files: dict[str, str]) -> dict:
    """The whole index again, read as the worker reads the shards."""
    head = lean["config"]["kb"]["head"]
    assert head["folder"] == f"{FOLDER}/"
    postings = [[token, gaps] for name, tokens in head["postings"]
                for token, gaps in zip(tokens, json.loads(files[name]), strict=True)]
    texts = [text for name, _ in head["texts"] for text in json.loads(files[name])]
    t2s = dict(zip(head["t2s"][::2], head["t2s"][1::2], strict=True))
    config = {**lean["config"], "kb": {"t2s": t2s, "postings": postings}}
    docs = read_docs(head["docs"])
    return {"config": config, "docs": [{**meta, "text": text} for meta, text in zip(docs, texts, strict=True)]}


def test_the_shards_hold_the_whole_index_tokens_in_order_and_texts_in_turn():
    whole = index([f"text {n} " * 20 for n in range(30)])
    lean, files = split(whole, postings_bytes=100, text_bytes=500)
    assert lean["docs"] == [] and set(lean["config"]) == {"lang", "separator", "kb"}
    joined = join(lean, files)
    assert joined["docs"] == whole["docs"]
    assert joined["config"]["kb"]["postings"] == sorted(whole["config"]["kb"]["postings"])
    assert joined["config"]["kb"]["t2s"] == {"學": "学"}
    head = lean["config"]["kb"]["head"]
    assert head["docs"][0] == ["p0.html", "Title 0"] and head["docs"][1][2] == {"boost": 2}
    assert len(head["postings"]) > 3 and len(head["texts"]) > 5
    for name, _ in head["postings"]:
        assert len(files[name]) <= 100
    for name, _ in head["texts"]:
        assert len(files[name]) <= 500


def test_an_entry_larger_than_a_chunk_gets_a_chunk_of_its_own():
    lean, _ = split(index(["short", "long " * 400, "short"]), text_bytes=100)
    assert [count for _, count in lean["config"]["kb"]["head"]["texts"]] == [1, 1, 1]


def test_the_same_index_gives_the_same_files_and_a_changed_text_a_new_head():
    whole = index(["one", "two", "three"])
    assert split(whole) == split(index(["one", "two", "three"]))
    lean, files = split(whole)
    changed, changed_files = split(index(["one", "two", "three!"]))
    assert changed["config"]["kb"]["head"]["texts"] != lean["config"]["kb"]["head"]["texts"]  # a new chunk name
    assert {n for n in files if n.startswith("p")} == {n for n in changed_files if n.startswith("p")}


def test_texts_lose_their_zero_width_spaces():
    lean, files = split(index(["深度\u200b学习", "plain"]))
    assert json.loads(files[lean["config"]["kb"]["head"]["texts"][0][0]]) == ["深度学习", "plain"]


def test_the_head_writes_each_entry_short_and_reads_back_as_it_was():
    docs = [{"location": "index.html", "title": "深度\u200b学习"},
            {"location": "index.html#怎么读", "title": "怎么\u200b读"},
            {"location": "index.html#again", "title": "怎么读", "boost": 2},
            {"location": "a.html", "title": "怎么读"},  # the same title, another page
            {"location": "a.html", "title": "A", "tags": ["t"]},
            {"location": "b.html#x", "title": "0"},
            {"location": "", "title": ""},  # the root page of a site with directory URLs, and a section
            {"location": "#top", "title": "Top"}]
    compact = compact_docs(docs)
    assert compact == [["index.html", "深度学习"], ["#怎么读", "怎么读"], ["#again", 0, {"boost": 2}],
                       ["a.html", 0], ["a.html", "A", {"tags": ["t"]}], ["b.html#x", "0"], ["", ""], ["#top", "Top"]]
    assert read_docs(compact) == [{**doc, "title": doc["title"].replace("\u200b", "")} for doc in docs]
    with pytest.raises(ValueError, match="must follow it"):  # "#top" alone would read as a.html#top
        compact_docs([{"location": "a.html", "title": "A"}, {"location": "#top", "title": "Top"}])


def test_the_character_table_is_one_string_of_pairs_and_only_of_single_characters():
    assert pairs({"學": "学", "們": "们", "俓": "𠇹"}) == "俓𠇹們们學学"  # 𠇹 is two UTF-16 units
    with pytest.raises(ValueError, match="single characters"):
        pairs({"乾隆": "干隆"})


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
    assert all((folder / name).read_bytes() == data for name, data in second.items())


def test_the_whole_index_is_written_with_each_tokens_postings_as_they_were_encoded():
    whole = index(["深度 \"学习\"", "two\nlines", "three"])
    encoded = {token: json.dumps(gaps, separators=(",", ":")) for token, gaps in whole["config"]["kb"]["postings"]}
    with_encoded = {**whole, "config": {**whole["config"], "kb": {**whole["config"]["kb"], "postings": encoded}}}
    ordered = {**whole, "config": {**whole["config"], "kb": {
        **whole["config"]["kb"], "postings": sorted(whole["config"]["kb"]["postings"])}}}
    assert dumps_whole(with_encoded) == dumps(ordered).encode()
    assert json.loads(dumps_whole(with_encoded)) == ordered
    assert split(with_encoded) == split(whole)
    with pytest.raises(ValueError, match="config and docs only"):
        dumps_whole({**with_encoded, "other": 1})
