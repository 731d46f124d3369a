"""Reading in a real browser, in both languages: the parallel view, copying citations, the viewpoint
map figure, the Atom feed, the site from disk and from a sub-path, and printing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kb.tools.browser import search, serve_directory

LANGS = ["zh", "en"]
PREFIX = {"zh": "", "en": "en/"}
OTHER = {"zh": "en", "en": "zh"}
ANSWER = "answers/naiyan-wang.html"


def _answer(page, base_url: str, lang: str, name: str = ANSWER) -> None:
    page.goto(f"{base_url}/{PREFIX[lang]}{name}")
    page.locator(".kb-reading__parallel").wait_for()


def _shown(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


@pytest.mark.parametrize("lang", LANGS)
def test_the_parallel_view_pairs_paragraphs_side_by_side_and_is_remembered(watched, base_url, lang):
    page = watched.page
    _answer(page, base_url, lang)
    other = f"#p1 .kb-text[lang={OTHER[lang]}]"
    assert not _shown(page, other)
    switch = page.locator(".kb-reading__parallel")
    assert switch.get_attribute("aria-pressed") == "false"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert _shown(page, other)
    # Wide screen: Chinese on the left, English on the right, each pair starting on one line.
    zh, en = (page.locator(f"#p2 .kb-text[lang={x}]").bounding_box() for x in ("zh", "en"))
    assert zh["x"] + zh["width"] <= en["x"] and abs(zh["y"] - en["y"]) < 2
    # The notes of the translation come with the English text.
    assert page.locator(".kb-notes").is_visible()
    # Narrow screen: interleaved, the translation under its original.
    page.set_viewport_size({"width": 480, "height": 900})
    zh, en = (page.locator(f"#p2 .kb-text[lang={x}]").bounding_box() for x in ("zh", "en"))
    assert en["y"] >= zh["y"] + zh["height"] - 1
    # Remembered: on reload, and on another answer page in the other language.
    page.reload()
    assert _shown(page, other) and switch.get_attribute("aria-pressed") == "true"
    _answer(page, base_url, OTHER[lang], "answers/wuhou.html")
    assert _shown(page, f"#p1 .kb-text[lang={lang}]")
    page.locator(".kb-reading__parallel").click()
    page.reload()
    assert not _shown(page, f"#p1 .kb-text[lang={lang}]")
    assert watched.errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_links_in_the_other_column_keep_their_tooltips(watched, base_url, lang):
    page = watched.page
    _answer(page, base_url, lang, "answers/zhang-xiang.html")
    page.locator(".kb-reading__parallel").click()
    term = page.locator(f".kb-text--other[lang={OTHER[lang]}] a.kb-term").first
    expect(term).to_have_attribute("data-kb-definition", re.compile(r"\S"))  # set once kb-reading.js ran
    definition = term.get_attribute("data-kb-definition")
    if OTHER[lang] == "zh":
        assert re.search(r"[\u4e00-\u9fff]", definition)  # the column's own language
    href = term.get_attribute("href")
    assert href.startswith("../glossary/index.html#")
    term.hover()
    popover = page.locator(".kb-pop")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(definition)


@pytest.mark.parametrize("lang", LANGS)
def test_copy_citation_copies_the_quote_with_author_question_and_both_urls(browser, base_url, lang):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    _answer(page, base_url, lang)
    url = f"{base_url}/{PREFIX[lang]}{ANSWER}"
    own = page.locator("#p2 .kb-text--own").inner_text()
    page.locator("#p2 .kb-cite").click()
    expected_status = {"zh": "引用已复制到剪贴板。", "en": "Citation copied to the clipboard."}[lang]
    page.wait_for_function("t => document.querySelector('.kb-reading__status').textContent === t",
                           arg=expected_status)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert " ".join(own.split())[:60] in copied
    assert "Naiyan Wang" in copied
    question = {"zh": "Deep Learning 的专家如此急缺", "en": "Deep learning experts are in such short supply"}
    assert question[lang] in copied
    assert "https://www.zhihu.com/question/41168257" in copied
    assert f"{url}#p2" in copied
    assert re.search(r"\d{4}-\d{2}-\d{2}", copied)
    # The whole answer, without a quote; its accessible name says what it does.
    page.get_by_role("button", name={"zh": "复制引用", "en": "Copy citation"}[lang]).click()
    page.wait_for_function("u => navigator.clipboard.readText().then(t => t.includes(u + ' ') || "
                           "t.includes(u + '（'))", arg=url)
    label = page.locator("#p3 .kb-cite").get_attribute("aria-label")
    assert label == {"zh": "引用第 3 段（复制引文）", "en": "Cite paragraph 3 (copy a citation)"}[lang]
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_a_paragraph_anchor_opens_on_that_paragraph(watched, base_url, lang):
    page = watched.page
    page.goto(f"{base_url}/{PREFIX[lang]}{ANSWER}#p4")
    assert page.evaluate("document.querySelector(':target').id") == "p4"
    top = page.locator("#p4").bounding_box()["y"]
    assert 0 <= top < 900


@pytest.mark.parametrize("lang", LANGS)
def test_the_viewpoint_map_is_a_figure_of_links_without_script(browser, base_url, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/{PREFIX[lang]}stances/index.html")
    name = {"zh": "观点地图：立场 × 主题", "en": "Viewpoint map: stances by themes"}[lang]
    figure = page.get_by_role("group", name=name)
    assert figure.is_visible()
    entry = figure.locator('a[href="../answers/zhang-xiang.html"]').first
    assert entry.is_visible()
    # The whole line of the cell is the link: the gap between dot and label too, and past the label's end.
    entry.scroll_into_view_if_needed()
    dot, box = entry.locator("circle").bounding_box(), entry.bounding_box()
    middle = dot["y"] + dot["height"] / 2
    for x in (dot["x"] + dot["width"] + 2, box["x"] + box["width"] - 2):
        href = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('a')?.getAttribute('href')",
                             [x, middle])
        assert href == "../answers/zhang-xiang.html", x
    entry.click(position={"x": dot["width"] + 2, "y": box["height"] / 2})
    page.wait_for_url(re.compile(r"/answers/zhang-xiang\.html$"))
    context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_announces_an_atom_feed_the_browser_can_read(watched, base_url, lang):
    page = watched.page
    page.goto(f"{base_url}/{PREFIX[lang]}index.html")
    href = page.locator('link[type="application/atom+xml"]').get_attribute("href")
    feed = page.evaluate("""async href => {
        const response = await fetch(href)
        const xml = new DOMParser().parseFromString(await response.text(), "application/xml")
        return { type: response.headers.get("content-type"), lang: xml.documentElement.getAttribute("xml:lang"),
                 entries: [...xml.querySelectorAll("entry > link[rel=alternate]")].map(l => l.getAttribute("href")) }
    }""", href)
    assert feed["lang"] == lang and len(feed["entries"]) == 11
    page.goto(f"{base_url}/{PREFIX[lang]}{feed['entries'][0]}")
    assert page.locator("article h1").is_visible()


def _offline_search(page, url: str, query: str) -> list[str]:
    page.goto(url)
    return search(page, query)


@pytest.mark.parametrize("lang, query, expect", [("zh", "集中不等式", "answers/zhang-xiang.html"),
                                                 ("en", "concentration inequality", "answers/zhang-xiang.html")])
def test_the_site_opened_from_disk_searches_and_switches_language(watched, site, lang, query, expect):
    page = watched.page
    root = Path(site).resolve()
    links = _offline_search(page, (root / PREFIX[lang] / "index.html").as_uri(), query)
    assert any(link.split("?")[0].endswith(f"/{PREFIX[lang]}{expect}") for link in links[:3]), links
    assert all(link.startswith("file://") for link in links)
    page.goto((root / PREFIX[lang] / ANSWER).as_uri())
    page.hover(".md-header__option .md-select")
    page.click(f"a.kb-lang-link[hreflang={OTHER[lang]}]")
    page.wait_for_url((root / PREFIX[OTHER[lang]] / ANSWER).as_uri())
    page.locator(".kb-reading__parallel").click()  # scripts run from disk too
    assert page.locator(f"#p1 .kb-text[lang={lang}]").is_visible()
    page.goto((root / PREFIX[lang] / "answers/wuhou.html").as_uri())  # the choice holds from disk too
    assert page.locator(".kb-reading__parallel").get_attribute("aria-pressed") == "true"
    assert watched.errors == []


def test_the_site_served_from_a_sub_path_works_and_asks_only_for_its_own_files(browser, site, tmp_path):
    folder = tmp_path / "www" / "library"
    folder.mkdir(parents=True)
    (folder / "deep-learning").symlink_to(Path(site).resolve(), target_is_directory=True)
    with serve_directory(tmp_path / "www") as base:
        context = browser.new_context()
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
        root = f"{base}/library/deep-learning"
        page.goto(f"{root}/en/index.html")
        links = search(page, "Markov's Demon")
        assert links[0].startswith(f"{root}/en/authors/markovs-demon.html")
        page.goto(f"{root}/{ANSWER}")
        page.hover(".md-header__option .md-select")
        page.click("a.kb-lang-link[hreflang=en]")
        page.wait_for_url(f"{root}/en/{ANSWER}")
        page.click("a.md-header__button.md-logo")
        page.wait_for_url(f"{root}/en/index.html")
        assert failed == []
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_printing_an_answer_drops_the_chrome_and_shows_where_links_lead(watched, base_url, lang):
    page = watched.page
    _answer(page, base_url, lang)
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-footer", ".kb-reading", ".kb-pager"):
        assert page.locator(chrome).first.evaluate("e => getComputedStyle(e).display") == "none", chrome
    after = page.locator(".kb-meta a").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert f"{base_url}/{PREFIX[lang]}authors/naiyan-wang.html" in after
    source = page.locator(".kb-meta a.kb-source").evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://www.zhihu.com/question/41168257" in source
    term = page.locator(".kb-text--own a.kb-term").first.evaluate("a => getComputedStyle(a, '::after').content")
    assert term in ("none", "normal")  # glossary links are not spelled out
    # Only the page's language, unless the parallel view is on; then both, side by side.
    assert not _shown(page, f"#p1 .kb-text[lang={OTHER[lang]}]")
    page.emulate_media(media="screen")
    page.locator(".kb-reading__parallel").click()
    page.emulate_media(media="print")
    zh, en = (page.locator(f"#p1 .kb-text[lang={x}]").bounding_box() for x in ("zh", "en"))
    assert zh["x"] + zh["width"] <= en["x"]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000


@pytest.mark.parametrize("lang", LANGS)
def test_the_parallel_view_has_no_serious_accessibility_violation(watched, base_url, axe_source, lang):
    page = watched.page
    _answer(page, base_url, lang)
    page.locator(".kb-reading__parallel").click()
    page.locator("#p1 .kb-cite").click()  # the status message shows too
    page.evaluate(axe_source)  # not a <script> tag, which the page's policy refuses
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
