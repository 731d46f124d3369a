"""Reading features in the generated and built site: parallel text, citations data, the viewpoint
map figure, the Atom feeds and the files that make the site work from disk.

What they do in a browser is tested in tests/browser/test_reading_browser.py.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kb.content.load import load
from kb.content.model import LANGS
from kb.derive.indexes import derive
from kb.render.feed import FEED_PATH, LIMIT, newest
from kb.render.pages import render_site
from kb.render.viewmap import SHOWN, MapText, viewpoint_svg, wrap
from kb.search.index import read_index
from kb.search.shards import EXTRA, pairs, read_docs

from support.site import ROOT, article, page, soup

ATOM = "{http://www.w3.org/2005/Atom}"
COLLECTION = load(ROOT).collection
ANSWERS = COLLECTION.answers
WORDS = MapText(title="Map", description="A grid.", more="{n} more", theme_axis="Theme", stance_axis="Stance")


# Parallel text: the model's alignment, in the built pages.

@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_pairs_each_paragraph_with_its_translation(site, lang):
    for answer in ANSWERS:
        body = article(page(site, lang, f"answers/{answer.id}")).select_one(".kb-body")
        pairs = body.select(".kb-pair")
        assert [p["id"] for p in pairs] == [f"p{n}" for n in range(1, len(answer.paragraphs) + 1)], answer.id
        for pair in pairs:
            texts = pair.select(":scope > .kb-text")
            assert [t["lang"] for t in texts] == ["zh", "en"]
            # Only the page's language is shown without the switch (and indexed: see below).
            assert [("kb-text--own" in t["class"]) for t in texts] == [lang == "zh", lang == "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_each_search_index_holds_only_its_own_languages_text(site, lang):
    index = read_index(site / ("en/" if lang == "en" else "") / "search")
    text = " ".join(doc["text"] for doc in index["docs"] if doc["location"].startswith("answers/naiyan-wang"))
    assert ("Let me state my position up front" in text) is (lang == "en")
    assert ("上来先亮明我的观点" in "".join(text.split("\u200b"))) is (lang == "zh")


@pytest.mark.parametrize("lang", LANGS)
def test_the_citation_data_names_author_question_and_original(site, lang):
    answer = next(a for a in ANSWERS if a.id == "zhang-xiang")
    cite = json.loads(article(page(site, lang, "answers/zhang-xiang")).select_one(".kb-body")["data-kb-cite"])
    assert cite["author"] == (answer.author.name if lang == "zh" else answer.author.name_en)
    assert cite["source"] == answer.source
    assert cite["title"] == answer.title[lang]
    for template in (cite["quote"], cite["whole"]):
        for field in ("{author}", "{title}", "{question}", "{source}", "{url}", "{date}"):
            assert field in template
    assert "{quote}" in cite["quote"]


# The viewpoint map figure.

@pytest.mark.parametrize("lang", LANGS)
def test_the_map_places_every_entry_in_its_stance_column_once_per_theme(site, lang):
    svg = article(page(site, lang, "stances")).select_one("figure.kb-map-figure svg")
    assert svg is not None
    labelled_by = svg["aria-labelledby"].split()
    assert [svg.find(id=i).name for i in labelled_by] == ["title", "desc"]
    for answer in ANSWERS:
        links = svg.select(f'a[href="../answers/{answer.id}.html"]')
        assert len(links) == len(answer.themes), answer.id
    # Column headings lead to the stances explained below, row headings to the theme pages.
    assert {a["href"] for a in svg.select('a[href^="#"]')} == {f"#{a.stance}" for a in ANSWERS}
    assert {a["href"] for a in svg.select('a[href^="../themes/"]')} == {
        f"../themes/{t}.html" for a in ANSWERS for t in a.themes}


def _map_positions(root: Path, lang: str) -> tuple[dict[str, list], dict[str, list[str]]]:
    """The viewpoint map page's table (entry id -> (verdict, tooltip) per sub-question) and cards
    (entry id -> verdict per sub-question), as generated for ``root``."""
    from bs4 import BeautifulSoup

    ix = derive(load(root).collection)
    text = next(p.data for p in render_site(ix, lang) if p.path == "stances/index.md").decode("utf-8")
    table = {}
    for line in text.splitlines():
        if row := re.match(r"\| \[.*?\]\(\.\./answers/([a-z0-9-]+)\.md", line):
            cells = BeautifulSoup(line, "html.parser").select("span.kb-pos")
            table[row[1]] = [(_verdict(cell), cell["title"]) for cell in cells]
    doc = BeautifulSoup(text, "html.parser")
    cards = {}
    for card in doc.select("ol.kb-map-cards > li"):
        entry = re.search(r"\(\.\./answers/([a-z0-9-]+)\.md", card.get_text())[1]
        cards[entry] = [_verdict(cell) for cell in card.select("dl.kb-card__positions span.kb-pos")]
    return table, cards


def _verdict(cell) -> str:
    (verdict,) = [c.removeprefix("kb-pos--") for c in cell["class"] if c.startswith("kb-pos--")]
    return verdict


@pytest.mark.parametrize("lang", LANGS)
def test_the_map_shows_each_entrys_own_positions_with_their_evidence(mini, lang):
    collection = load(mini).collection
    table, cards = _map_positions(mini, lang)
    assert list(table) == list(cards) == [a.id for a in collection.answers]
    for answer in collection.answers:
        own = {p.subquestion: p for p in answer.positions}
        subquestions = next(q for q in collection.questions if q.id == answer.question).subquestions
        expected = [own[s.id].position if s.id in own else "none" for s in subquestions]
        assert [verdict for verdict, _ in table[answer.id]] == expected == cards[answer.id], answer.id
        for sub, (_, tooltip) in zip(subquestions, table[answer.id], strict=True):
            assert (sub.id in own and f"“{own[sub.id].quote}”" in tooltip) or sub.id not in own, tooltip
    # Two entries of one stance, two different rows: the stance does not decide an entry's positions.
    one, other = (a.id for a in collection.answers if a.stance == "code-is-hard")
    assert table[one] != table[other]


def test_a_position_moved_to_another_sub_question_moves_on_the_map(mini):
    path = mini / "answers/100/gamma.md"
    path.write_text(path.read_text(encoding="utf-8").replace("subquestion: code", "subquestion: maths"),
                    encoding="utf-8")
    table, cards = _map_positions(mini, "en")
    assert [verdict for verdict, _ in table["gamma"]] == cards["gamma"] == ["partly", "none"]


def test_a_crowded_cell_lists_the_first_entries_and_links_the_rest_as_a_filtered_list():
    template = ANSWERS[0]
    crowd = [dataclasses.replace(template, id=f"e{n}", themes=("engineering", "history")) for n in range(SHOWN + 3)]
    svg = viewpoint_svg("1", crowd, COLLECTION.themes, COLLECTION.stances, "en", WORDS,
                        label=lambda a: a.id, full_title=lambda a: a.id)
    doc = soup_of(svg)
    assert len(doc.select('a[href^="../answers/e"]')) == 2 * SHOWN  # two themes, one stance
    more = doc.select("a.kb-map__more")
    assert [a.get_text() for a in more] == ["3 more", "3 more"]
    assert more[0]["href"] == f"../answers/index.html?theme=engineering&stance={template.stance}"
    # Only the themes and stances in use get a row or a column.
    assert len(doc.select('a[href^="../themes/"]')) == 2 and len(doc.select('a[href^="#"]')) == 1


def test_labels_wrap_at_spaces_in_english_and_between_characters_in_chinese():
    assert wrap("The hard part is understanding the problem", 110) == [
        "The hard part is", "understanding", "the problem"]
    assert wrap("不是难，是时间与供需", 60) == ["不是难，是", "时间与供需"]
    assert wrap("a b c d e f g h", 10, max_lines=2)[-1].endswith("…")


def soup_of(svg: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(svg, "html.parser")


# Atom feeds.

def _feed(site: Path, lang: str) -> ET.Element:
    return ET.fromstring((site / ("en/" if lang == "en" else "") / "feed.xml").read_bytes())


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_an_atom_feed_of_its_entries_that_links_to_built_pages(site, lang):
    feed = _feed(site, lang)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    for required in ("title", "id", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(ANSWERS)
    by_id = {a.id: a for a in ANSWERS}
    base = site / ("en" if lang == "en" else "")
    for entry in entries:
        href = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert (base / href).is_file(), href
        answer = by_id[re.fullmatch(r"answers/([a-z0-9-]+)\.html", href)[1]]
        assert entry.find(f"{ATOM}published").text == f"{answer.added.isoformat()}T00:00:00Z"
        assert entry.find(f"{ATOM}summary").text == " ".join(answer.summary[lang].split())
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    # Every page of the language announces the feed.
    for name in ("index", "answers/naiyan-wang", "glossary"):
        link = page(site, lang, name).select_one('link[type="application/atom+xml"]')
        assert link is not None and "alternate" in link["rel"]


def test_the_feed_lists_the_newest_additions_first_dated_from_the_content(mini):
    collection = load(mini).collection
    older = dataclasses.replace(collection.answers[0], added=datetime.date(2020, 1, 1))
    newer = dataclasses.replace(collection.answers[2], added=datetime.date(2026, 1, 2))
    answers = (older, collection.answers[1], newer)
    # The newest day first; within a day, reading order.
    assert [a.id for a in newest(answers)] == [collection.answers[1].id, newer.id, older.id]
    assert len(newest(tuple(dataclasses.replace(older, id=f"x{n}") for n in range(LIMIT + 5)))) == LIMIT
    pages = render_site(derive(dataclasses.replace(collection, answers=answers)), "en")
    feed = ET.fromstring(next(page.data for page in pages if page.path == FEED_PATH))
    assert feed.find(f"{ATOM}updated").text == "2026-11-24T00:00:00Z"  # the newest entry's day, not today's
    assert [e.find(f"{ATOM}published").text[:10] for e in feed.findall(f"{ATOM}entry")] == [
        "2026-11-24", "2026-01-02", "2020-01-01"]


# From disk and from a sub-path.

@pytest.mark.parametrize("lang", LANGS)
def test_the_index_is_whole_in_its_script_and_in_shards_named_by_the_json(site, lang):
    """Pages opened from disk load search_index.js (all of it); served pages fetch search_index.json,
    which holds the head of the shards that the worker fetches (kb.search.shards)."""
    folder = site / ("en/" if lang == "en" else "") / "search"
    whole = read_index(folder)
    assert len(whole["docs"]) > 50 and len(whole["config"]["kb"]["postings"]) > 1000
    lean = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
    assert lean["docs"] == []
    assert {**lean["config"], "kb": None} == {**whole["config"], "kb": None}
    head = lean["config"]["kb"]["head"]
    shards = folder / head["folder"]

    def shard(name: str) -> list:
        text = (shards / name).read_text(encoding="utf-8")
        assert name.split(".")[1] == hashlib.sha1(text.encode()).hexdigest()[:12]  # named by content
        return json.loads(text)

    postings = [[token, gaps] for name, tokens in head["postings"] for token, gaps in zip(tokens, shard(name),
                                                                                         strict=True)]
    texts = [text for name, count in head["texts"] for text in shard(name)]
    assert [len(shard(name)) for name, _ in head["texts"]] == [count for _, count in head["texts"]]
    assert sorted(postings) == sorted(whole["config"]["kb"]["postings"])
    # The head carries what the worker shows and ranks by; what only the postings were made from (the
    # metadata, "meta", and the paired page's words, "other") is in the postings already.
    kept = ("location", "title", "text", *EXTRA)
    assert [{**meta, "text": text} for meta, text in zip(read_docs(head["docs"]), texts, strict=True)] == [
        {**{key: doc[key] for key in kept if key in doc},
         "title": doc["title"].replace("\u200b", ""), "text": doc["text"].replace("\u200b", "")}
        for doc in whole["docs"]]  # without the zero-width spaces the postings no longer need
    assert head["t2s"] == pairs(whole["config"]["kb"]["t2s"])
    named = {name for name, _ in head["postings"] + head["texts"]}
    assert {path.name for path in shards.iterdir()} == named  # nothing stale left beside them


def test_no_built_page_links_to_a_folder_or_to_the_site_root(site):
    """Folder URLs (answers/x/) show a directory listing on disk; root-absolute ones break sub-paths.

    404.html is the exception MkDocs makes on purpose: a server shows it at any depth.
    """
    for path in sorted(p for p in site.rglob("*.html") if p.name != "404.html"):
        for tag in soup(path).select("a[href], link[href], script[src]"):
            url = tag.get("href") or tag.get("src")
            if re.match(r"[a-z]+:|#", url):
                continue
            assert not url.startswith("/"), (path, url)
            assert not url.split("#")[0].split("?")[0].endswith("/"), (path, url)
