"""End to end: the real collection built with `mkdocs build --strict`, checked in the produced HTML."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from kb.content.load import load
from kb.derive.indexes import derive
from kb.search.index import read_index

from support.site import ROOT, article, own_text, page, soup
from support.source import read_source, squash

COLLECTION = load(ROOT).collection
ANSWERS = COLLECTION.answers
DERIVED = derive(COLLECTION)  # what the generator decided to link: the counts the pages must show
LANGS = ("zh", "en")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def url_of(site: Path, path: Path) -> str:
    """Site-absolute URL path of a built file: site/en/answers/x.html -> /en/answers/x.html."""
    return "/" + path.relative_to(site).as_posix()


def linked_answers(doc, url: str) -> list[str]:
    """Ids of the answers an article links to, in order of first appearance."""
    found = []
    for a in article(doc).select("a[href]"):
        match = re.fullmatch(r"/(?:en/)?answers/([a-z0-9-]+)\.html", urljoin(url, a["href"]))
        if match and match[1] not in found:
            found.append(match[1])
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_has_a_page_in_both_languages(site, lang):
    for answer in ANSWERS:
        doc = page(site, lang, f"answers/{answer.id}")
        assert doc.html["lang"] == lang  # the theme's interface language follows the page
        assert article(doc).h1.get_text().startswith(answer.title[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_page_credits_its_author_and_links_the_original_question(site, lang):
    for answer in ANSWERS:
        body = article(page(site, lang, f"answers/{answer.id}"))
        meta = body.select_one(".kb-meta")
        author_link = meta.select_one(f'a[href="../authors/{answer.author.id}.html"]')
        assert author_link is not None, answer.id
        if answer.author.kind != "unsigned":
            assert author_link.get_text() == (answer.author.name if lang == "zh" else answer.author.name_en)
        if answer.author.credential:
            credential = answer.author.credential if lang == "zh" else answer.author.credential_en
            assert credential in meta.get_text()
        assert meta.select_one(f'a[href="../stances/index.html#{answer.stance}"]') is not None
        for theme in answer.themes:
            assert meta.select_one(f'a[href="../themes/{theme}.html"]') is not None
        assert meta.select_one('a[href="https://www.zhihu.com/question/41168257"]') is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_page_carries_the_copyright_notice(site, lang):
    statement = {"zh": "本页是非商业、注明出处的转载，著作权归原作者所有。",
                 "en": "This page is a non-commercial, attributed copy; copyright stays with the author."}[lang]
    for answer in ANSWERS:
        text = article(page(site, lang, f"answers/{answer.id}")).get_text()
        assert "来源:知乎 著作权归作者所有。商业转载请联系作者获得授权,非商业转载请注明出处。" in text
        assert "Source: Zhihu. Copyright belongs to the author." in text
        assert statement in text


def _body_paragraphs(site: Path, lang: str, answer_id: str) -> list[str]:
    body = own_text(page(site, lang, f"answers/{answer_id}"), lang)
    for mark in body.select("sup"):
        mark.decompose()
    return [p.get_text() for p in body.find_all("p")]


def test_the_chinese_text_of_every_signed_answer_equals_the_source(site):
    source = read_source()
    signed = [a for a in ANSWERS if a.author.kind != "unsigned"]
    assert len(signed) == len(source.answers)
    for answer, original in zip(signed, source.answers, strict=True):
        assert answer.title.zh == original.title
        assert [squash(p) for p in _body_paragraphs(site, "zh", answer.id)] == [
            squash(p) for p in original.paragraphs], answer.id
        signature = answer.author.name + ("," + answer.author.credential if answer.author.credential else "")
        assert signature == original.signature


def test_the_other_views_together_equal_the_source(site):
    source = read_source()
    unsigned = [a for a in ANSWERS if a.author.kind == "unsigned"]
    rendered = "".join("".join(_body_paragraphs(site, "zh", a.id)) for a in unsigned)
    assert squash(rendered) == squash("".join(source.other_views))


def test_the_question_page_has_the_question_and_the_complete_preface_verbatim(site):
    source = read_source()
    text = squash(article(page(site, "zh", "questions/41168257")).get_text())
    for part in (source.description, source.lead, *source.subquestions, source.preface,
                 source.preface_heading, source.compilation_title):
        assert squash(part) in text
    assert "醍醐灌顶" not in text  # the cut-off first copy of the preface is not used


@pytest.mark.parametrize("lang", LANGS)
def test_translations_have_as_many_paragraphs_as_the_originals(site, lang):
    for answer in ANSWERS:
        assert len(_body_paragraphs(site, lang, answer.id)) == len(answer.paragraphs), answer.id


@pytest.mark.parametrize("lang", LANGS)
def test_theme_pages_list_exactly_the_answers_with_that_theme(site, lang):
    for theme in COLLECTION.themes:
        expected = [a.id for a in ANSWERS if theme.id in a.themes]
        doc = page(site, lang, f"themes/{theme.id}")
        assert linked_answers(doc, f"/themes/{theme.id}.html") == expected, theme.id
        assert theme.description[lang] in article(doc).get_text()
        for answer in ANSWERS:
            if answer.id in expected:
                assert answer.summary[lang] in article(doc).get_text()


@pytest.mark.parametrize("lang", LANGS)
def test_author_pages_list_exactly_their_answers_with_both_name_forms(site, lang):
    authors = {a.author.id: a.author for a in ANSWERS}
    for author_id, author in authors.items():
        expected = [a.id for a in ANSWERS if a.author.id == author_id]
        doc = page(site, lang, f"authors/{author_id}")
        assert linked_answers(doc, f"/authors/{author_id}.html") == expected, author_id
        if author.kind != "unsigned":
            heading = article(doc).h1.get_text()
            assert author.name in heading and author.name_en in heading


@pytest.mark.parametrize("lang", LANGS)
def test_the_all_answers_page_and_the_viewpoint_map_list_every_entry(site, lang):
    everyone = [a.id for a in ANSWERS]
    assert linked_answers(page(site, lang, "answers"), "/answers/index.html") == everyone
    assert linked_answers(page(site, lang, "questions/41168257"), "/questions/41168257.html") == everyone
    stances = page(site, lang, "stances")
    table = article(stances).find("table")
    rows = table.select("tbody tr")
    assert len(rows) == len(ANSWERS)
    for row, answer in zip(rows, ANSWERS, strict=True):
        cells = row.find_all("td")
        assert cells[0].a["href"] == f"../answers/{answer.id}.html"
        assert cells[1].a["href"] == f"#{answer.stance}"
        # The entry's own positions (its front-matter), each with its evidence in the tooltip.
        own = {p.subquestion: p for p in answer.positions}
        for cell, sub in zip(cells[2:], COLLECTION.questions[0].subquestions, strict=True):
            mark = cell.select_one(".kb-pos")
            assert f"kb-pos--{own[sub.id].position if sub.id in own else 'none'}" in mark["class"], (answer.id, sub.id)
            if sub.id in own:
                assert own[sub.id].quote in mark["title"], (answer.id, sub.id)
    for stance in COLLECTION.stances:
        assert article(stances).find(id=stance.id) is not None


def test_the_language_switch_of_every_page_points_at_its_counterpart(site):
    pages = [p for p in html_pages(site) if p.name != "404.html"]
    assert len(pages) > 2 * len(ANSWERS)
    for path in pages:
        url = url_of(site, path)
        lang = "en" if url.startswith("/en/") else "zh"
        other = "zh" if lang == "en" else "en"
        counterpart = "/en" + url if lang == "zh" else url.removeprefix("/en")
        doc = soup(path)
        links = doc.select(f"a.kb-lang-link[hreflang={other}]")
        assert len(links) == 1, url
        assert urljoin(url, links[0]["href"]) == counterpart, url
        assert (site / counterpart.lstrip("/")).is_file(), counterpart


def _resolve(site: Path, url: str) -> Path:
    path = site / unquote(url).lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def test_no_internal_link_in_the_built_site_is_broken(site):
    ids: dict[Path, set[str]] = {}
    broken = []
    for path in html_pages(site):
        url = url_of(site, path)
        doc = soup(path)
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in doc.find_all(tag):
                target = element.get(attribute)
                if not target or urlsplit(target).scheme in ("http", "https", "mailto", "data"):
                    continue
                absolute = urlsplit(urljoin(url, target))
                file = _resolve(site, absolute.path)
                if not file.is_file():
                    broken.append(f"{url}: {target}")
                    continue
                if absolute.fragment and file.suffix == ".html":
                    if file not in ids:
                        ids[file] = {e["id"] for e in soup(file).find_all(id=True)}
                    if unquote(absolute.fragment) not in ids[file]:
                        broken.append(f"{url}: {target} (no such anchor)")
    assert broken == []


def test_no_page_requests_anything_from_a_third_party_host(site):
    offenders = []
    for path in html_pages(site):
        doc = soup(path)
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                               ("source", "src"), ("video", "src"), ("audio", "src")):
            for element in doc.find_all(tag):
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "icon", "preload",
                                                                       "preconnect", "modulepreload"}:
                    continue
                target = element.get(attribute, "")
                if urlsplit(target).netloc:
                    offenders.append(f"{path.relative_to(site)}: <{tag}> {target}")
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: {m}" for m in
                      re.findall(r"(?:@import|url\()\s*['\"]?(?:https?:)?//[^)'\"]+", css.read_text())]
    assert offenders == []


def test_each_language_has_its_own_search_index_with_segmented_chinese(site):
    zh, en = read_index(site / "search"), read_index(site / "en/search")
    assert "\\u200b" in zh["config"]["separator"]
    assert not any(doc["location"].startswith("en/") for doc in zh["docs"])
    zh_text = " ".join(doc["text"] for doc in zh["docs"])
    en_text = " ".join(doc["text"] for doc in en["docs"])
    assert "\u200b" in zh_text  # jieba cut the Chinese text into words
    assert "集中\u200b不等式" in zh_text or "集中不等式" in zh_text.replace("\u200b", "")
    assert "concentration inequality" in en_text.lower()
    assert "Naiyan Wang" in en_text


@pytest.mark.parametrize("lang", LANGS)
def test_answer_pages_are_indexed_with_the_text_the_page_shows(site, lang):
    """kb.search indexes the built HTML: an answer's entries must say what the rendered page says, its
    metadata and author searchable beside the text, and nothing of the other language's column."""
    base = site / ("en" if lang == "en" else "")
    docs = read_index(base / "search")["docs"]
    locations = [doc["location"] for doc in docs]

    def flat(text: str) -> str:
        return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text).replace("\u200b", ""))

    for answer in ANSWERS:
        doc = page(site, lang, f"answers/{answer.id}")
        h1 = article(doc).select_one("h1")
        url = f"answers/{answer.id}.html"
        # Material's shape: the page, then its h1 section, next to each other and nowhere else.
        at = locations.index(url)
        assert locations[at + 1] == f"{url}#{h1['id']}"
        assert sum(location.split("#")[0] == url for location in locations) == 2
        entry = docs[at + 1]
        for permalink in h1.select("a.headerlink"):
            permalink.decompose()
        assert entry["title"].replace("\u200b", "") == html.escape(h1.get_text().strip(), quote=False)
        indexed = flat(entry["text"])
        other = article(doc).select_one(f".kb-body .kb-text:not([lang={lang}]) p").get_text()  # before own_text
        for paragraph in own_text(doc, lang).select(".kb-text p"):
            shown = re.sub(r"\s+", "", paragraph.get_text())  # footnote marks included, as shown
            assert html.escape(shown, quote=False) in indexed, (answer.id, shown[:40])
        assert html.escape(re.sub(r"\s+", "", other), quote=False) not in indexed, answer.id  # the other column
        assert flat(html.escape(answer.summary[lang], quote=False)) in indexed, answer.id
        meta = re.sub(r"\s+", "", article(doc).select_one(".kb-meta").get_text())
        assert flat(entry["meta"]) == re.sub(r"\s+", "", html.escape(meta, quote=False)), answer.id
        name = answer.author.name if lang == "zh" else answer.author.name_en
        if name:
            assert entry["author"].startswith(name) and docs[at]["author"] == entry["author"], answer.id


def test_chinese_headings_get_readable_anchors(site):
    doc = page(site, "zh", "answers/zhang-xiang")
    assert doc.select_one("article h1")["id"] == "从科学发展的角度解读深度学习当前的发展境况"
    about = page(site, "zh", "about")
    assert about.find("h2", id="来源") is not None


# Glossary links, tooltips, backlinks, mentions and related answers (issue: glossary and cross-links).

def _term_links(site: Path, lang: str, answer_id: str) -> dict[str, str]:
    """term id -> tooltip of each glossary link in an answer's text."""
    body = own_text(page(site, lang, f"answers/{answer_id}"), lang)
    return {a["href"].split("#")[1]: a.get("title", "") for a in body.select("a.kb-term")}


@pytest.mark.parametrize("lang", LANGS)
def test_answer_pages_link_terms_once_with_a_tooltip_in_the_pages_language(site, lang):
    terms = {t.id: t for t in COLLECTION.terms}
    total = 0
    for answer in ANSWERS:
        body = own_text(page(site, lang, f"answers/{answer.id}"), lang)
        hrefs = [a["href"] for a in body.select("a.kb-term")]
        assert len(hrefs) == len(set(hrefs)), answer.id  # first occurrence only
        for term_id, title in _term_links(site, lang, answer.id).items():
            assert title == terms[term_id].short_definition(lang).replace('"', "'")
            total += 1
    assert total == sum(len(DERIVED.linked[(a.id, lang)].terms) for a in ANSWERS) > 0


def test_the_english_text_is_unchanged_by_linking(site):
    for answer in ANSWERS:
        expected = [re.sub(r"\[\^[^\]]+\]", "", p) for p in answer.translation.paragraphs]
        assert [squash(p) for p in _body_paragraphs(site, "en", answer.id)] == [squash(p) for p in expected]


@pytest.mark.parametrize("lang", LANGS)
def test_every_backlink_on_the_glossary_page_is_present_and_true(site, lang):
    links = {a.id: {*_term_links(site, "zh", a.id), *_term_links(site, "en", a.id)} for a in ANSWERS}
    linked_from = {t.id: [a.id for a in ANSWERS if t.id in links[a.id]] for t in COLLECTION.terms}
    glossary = article(page(site, lang, "glossary"))
    for term in COLLECTION.terms:
        entry = glossary.find(id=term.id).find_next_sibling("div", class_="kb-glossary-entry")
        listed = [re.fullmatch(r"\.\./answers/([a-z0-9-]+)\.html", a["href"])[1]
                  for a in entry.select("a[href^='../answers/']")]
        assert listed == linked_from[term.id], term.id
    derived = sum(bool(DERIVED.backlinks[t.id]) for t in COLLECTION.terms)
    assert sum(bool(v) for v in linked_from.values()) == derived > 0


@pytest.mark.parametrize("lang", LANGS)
def test_the_at_mention_of_naiyan_wang_links_to_his_answer(site, lang):
    body = own_text(page(site, lang, "answers/wuhou"), lang)
    (mention,) = body.select("a.kb-mention")
    assert mention["href"] == "naiyan-wang.html"
    assert mention.get_text() == "@Naiyan Wang"


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_page_has_three_related_answers_with_reasons_and_neighbours(site, lang):
    for index, answer in enumerate(ANSWERS):
        doc = article(page(site, lang, f"answers/{answer.id}"))
        items = doc.find(id="related").find_next_sibling("ul").find_all("li")
        assert len(items) == 3, answer.id
        for item in items:
            assert item.a["href"] != f"{answer.id}.html"
            assert item.select_one(".kb-reason").get_text().strip()
        previous, following = doc.select_one(".kb-pager__previous"), doc.select_one(".kb-pager__next")
        assert (previous is None) == (index == 0) and (following is None) == (index == len(ANSWERS) - 1)
        if following is not None:
            assert following["href"] == f"{ANSWERS[index + 1].id}.html"


@pytest.mark.parametrize("lang", LANGS)
def test_the_glossary_is_in_the_order_of_its_language(site, lang):
    from kb.derive.indexes import pinyin_key

    headings = [h["id"] for h in article(page(site, lang, "glossary")).find_all("h3")]
    terms = {t.id: t for t in COLLECTION.terms}
    key = (lambda i: pinyin_key(terms[i].zh)) if lang == "zh" else (lambda i: terms[i].en.casefold())
    assert headings == sorted(headings, key=key)
    assert len(headings) == len(COLLECTION.terms) > 0
