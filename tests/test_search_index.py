"""kb.search.index.write_index: the search index of a built site folder, written once."""

from __future__ import annotations

import json
from pathlib import Path

from kb.derive.segment import Segmenter
from kb.search.index import read_index, site_entries, traditional_to_simplified, write_index
from kb.search.shards import FOLDER, read_docs

from support.cut import SEPARATOR

CONFIG = {"lang": ["en"], "separator": SEPARATOR, "pipeline": ["stemmer"],
          "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}, "tags": {"boost": 1000000.0}}}


def page(content: str, title: str) -> str:
    return (f"<html><head><title>{title} - Site</title></head><body>"
            f'<article class="md-content__inner md-typeset">\n{content}\n</article></body></html>')


def site(root: Path) -> Path:
    """Two pages, a 404, the other language's folder and Material's index of nothing but its config."""
    (root / "search").mkdir(parents=True)
    (root / "search" / "search_index.json").write_text(json.dumps({"config": CONFIG, "docs": []}))
    (root / "index.html").write_text(page('<h1 id="home">深度學習<a class="headerlink" href="#home">&para;</a></h1>'
                                          '<p>Deep nets.</p><h2 id="more">More</h2><p>深度学习 GPUs</p>', "Home"))
    (root / "answers").mkdir()
    (root / "answers" / "index.html").write_text(page('<!-- x -->\n<h1 id="all">All</h1><p>answers</p>', "All"))
    (root / "404.html").write_text(page("<h1>404 - Not found</h1>", "404"))
    (root / "en").mkdir()
    (root / "en" / "index.html").write_text(page("<h1 id='x'>Other language</h1>", "Other"))
    return root


def index(root: Path, boosts: dict[str, float] | None = None) -> int:
    """What the post-build pass does for the Chinese site at ``root``: its pages' entries, paired with
    the English site's in ``en/``, written as its index."""
    segmenter = Segmenter()
    own = site_entries(root, segmenter, boosts or {}, exclude=("en",))
    return write_index(root, own, site_entries(root / "en", segmenter), boosts or {})


def join(search: Path) -> dict:
    """The whole index again from the lean head and the shards, as the worker reads them."""
    lean = json.loads((search / "search_index.json").read_text())
    head = lean["config"]["kb"]["head"]
    files = {name: json.loads((search / FOLDER / name).read_text()) for name in
             [name for name, _ in head["postings"]] + [name for name, _ in head["texts"]]}
    postings = [[token, gaps] for name, tokens in head["postings"]
                for token, gaps in zip(tokens, files[name], strict=True)]
    texts = [text for name, _ in head["texts"] for text in files[name]]
    t2s = dict(zip(head["t2s"][::2], head["t2s"][1::2], strict=True))
    config = {**lean["config"], "kb": {"t2s": t2s, "postings": postings}}
    docs = zip(read_docs(head["docs"]), texts, strict=True)
    return {"config": config, "docs": [{**doc, "text": text} for doc, text in docs]}


def test_write_index_writes_the_lean_head_the_shards_and_the_whole_index_and_they_agree(tmp_path):
    root = site(tmp_path / "site")
    assert index(root, {"answers/index.html": 0.5}) == 4
    whole = read_index(root / "search")
    assert [(d["location"], d["title"], d.get("boost")) for d in whole["docs"]] == [
        ("index.html", "深度\u200b學習", None), ("index.html#more", "More", None),
        ("answers/index.html", "All", 0.5), ("answers/index.html#all", "All", 0.5)]
    assert {k: v for k, v in whole["config"].items() if k != "kb"} == CONFIG
    postings = dict(whole["config"]["kb"]["postings"])
    assert postings["学习"] == [0, 4, 1, 5]  # the traditional title found as simplified, then entry 1's text
    assert "other" not in postings and "404" not in postings
    assert whole["config"]["kb"]["t2s"]["學"] == "学"
    joined = join(root / "search")
    assert joined["docs"] == [{**doc, "title": doc["title"].replace("\u200b", ""),
                               "text": doc["text"].replace("\u200b", "")} for doc in whole["docs"]]
    assert joined["config"] == whole["config"]


def test_a_second_pass_over_the_same_site_writes_nothing_and_a_change_removes_stale_shards(tmp_path):
    root = site(tmp_path / "site")
    index(root)
    files = sorted(p for p in (root / "search").rglob("*") if p.is_file())
    stamps = {p: p.stat().st_mtime_ns for p in files}
    index(root)  # reads its own lean index's config back
    assert sorted(p for p in (root / "search").rglob("*") if p.is_file()) == files
    assert {p: p.stat().st_mtime_ns for p in files} == stamps
    (root / "answers" / "index.html").write_text(page('<h1 id="all">All</h1><p>changed</p>', "All"))
    index(root)
    shards = {p.name for p in (root / "search" / FOLDER).iterdir()}
    head = json.loads((root / "search" / "search_index.json").read_text())["config"]["kb"]["head"]
    assert shards == {name for name, _ in head["postings"] + head["texts"]}


def test_the_traditional_to_simplified_table_maps_single_ideographs_only():
    table = traditional_to_simplified()
    assert table["學"] == "学" and table["習"] == "习" and "学" not in table and len(table) > 2000
    assert all(len(k) == len(v) == 1 and "\u4e00" <= k <= "\u9fff" for k, v in table.items())
