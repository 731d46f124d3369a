"""Layout and reading comfort in a real browser, at phone, tablet and desktop widths, in both
languages (issue 31): no page wider than the screen, a viewpoint map that fits, quiet glossary links
with popovers, where-am-I cues, a parallel view that stacks on phones, Chinese typography, a language
switch that keeps the place, contrast in both colour schemes and less visual noise.

One browser for the module and one context per (width, scheme), reused by every test at that width.
"""

from __future__ import annotations

import re

import pytest

WIDTHS = [360, 390, 768, 1024, 1440]
LANGS = ["zh", "en"]
PREFIX = {"zh": "", "en": "en/"}
OTHER = {"zh": "en", "en": "zh"}
ANSWER = "answers/naiyan-wang.html"
PAGES = {
    "home": "index.html", "question": "questions/41168257.html", "answer": ANSWER,
    "theme": "themes/engineering.html", "author": "authors/naiyan-wang.html", "stances": "stances/index.html",
    "glossary": "glossary/index.html", "answers": "answers/index.html", "404": "404.html",
}


@pytest.fixture(scope="module")
def contexts(browser):
    """contexts(width, scheme="light", touch=False): one browser context each, kept for the module."""
    made = {}

    def get(width: int, scheme: str = "light", touch: bool = False):
        key = (width, scheme, touch)
        if key not in made:
            made[key] = browser.new_context(viewport={"width": width, "height": 800 if width < 600 else 900},
                                            color_scheme=scheme, has_touch=touch, is_mobile=touch)
        return made[key]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def open_page(contexts):
    """open_page(url, width, ...) -> a fresh page in the shared context for that width."""
    pages = []

    def open_(url: str, width: int, scheme: str = "light", touch: bool = False, parallel: bool = False):
        page = contexts(width, scheme, touch).new_page()
        pages.append(page)
        page.add_init_script(f"try {{ localStorage.setItem('kb.parallel', '{1 if parallel else 0}') }} catch {{}}")
        page.goto(url)
        return page

    yield open_
    for page in pages:
        page.close()


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


# 2. No horizontal overflow ------------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(open_page, base_url, width):
    wide = []
    for lang in LANGS:
        for kind, path in [*PAGES.items(), ("answer, parallel view", ANSWER)]:
            page = open_page(f"{base_url}/{PREFIX[lang]}{path}", width, parallel="parallel" in kind)
            scroll, client = _overflow(page)
            if scroll > client:
                culprits = page.evaluate("""w => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w + 1 && e.getClientRects().length)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)""", client)
                wide.append((lang, kind, scroll, culprits))
            page.close()
    assert wide == [], f"wider than {width} px"


# 1. The viewpoint map fits --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_viewpoint_map_fits_a_desktop_without_scrolling(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}stances/index.html", 1440)
    figure = page.locator(".kb-map-scroll")
    assert figure.is_visible()
    scroll, client = figure.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client
    svg = page.locator("svg.kb-map")
    drawn = int(svg.get_attribute("width"))
    assert svg.bounding_box()["width"] >= 0.99 * min(drawn, client)  # at (or near) its drawn size
    table = page.locator(".kb-map-table table")
    assert table.is_visible()
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= 1440
    assert not page.locator(".kb-map-cards").is_visible()


@pytest.mark.parametrize("width", [360, 390, 768])
@pytest.mark.parametrize("lang", LANGS)
def test_the_viewpoint_map_is_one_card_per_entry_on_narrow_screens(open_page, base_url, lang, width):
    page = open_page(f"{base_url}/{PREFIX[lang]}stances/index.html", width)
    assert not page.locator(".kb-map-figure").is_visible()
    assert not page.locator(".kb-map-table").is_visible()
    cards = page.locator(".kb-map-cards > li")
    rows = page.locator(".kb-map-table tbody tr").count()
    assert cards.count() == rows == 11
    subquestions = page.locator(".kb-map-table thead th").count() - 2
    for index in range(cards.count()):
        card = cards.nth(index)
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        assert card.locator("dd").count() == subquestions  # every position, none off-screen
        assert card.locator(".kb-card__head a").get_attribute("href").startswith("../answers/")
    first = cards.first.locator("dd").first.inner_text()
    assert re.search(r"[●◐○·]\s*\S", first)  # symbol and words, both visible
    assert _overflow(page)[0] <= width


# 3. Glossary links and translator's notes --------------------------------------------------------

def _term_url(base_url: str, lang: str) -> str:
    return f"{base_url}/{PREFIX[lang]}answers/zhang-xiang.html"


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_links_are_quiet_and_open_a_readable_popover_on_hover(open_page, base_url, lang):
    page = open_page(_term_url(base_url, lang), 1440)
    term = page.locator(".kb-text--own a.kb-term").first
    style = term.evaluate("a => [getComputedStyle(a).textDecorationStyle, getComputedStyle(a).textDecorationLine]")
    assert style == ["dotted", "underline"]
    definition = term.get_attribute("data-kb-definition")
    assert definition and term.get_attribute("title") is None  # no second, native tooltip
    term.hover()
    pop = page.locator(".kb-pop")
    pop.wait_for(state="visible")
    assert definition in pop.inner_text()
    assert float(pop.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14
    more = pop.locator("a.kb-pop__more")
    assert more.get_attribute("href").split("#")[1] == term.get_attribute("href").split("#")[1]
    # The pointer can move into the popover to use its link; leaving both closes it.
    more.hover()
    assert pop.is_visible()
    page.mouse.move(5, 5)
    pop.wait_for(state="hidden")


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_links_in_the_other_column_open_a_popover_in_that_language(open_page, base_url, lang):
    page = open_page(_term_url(base_url, lang), 1440, parallel=True)
    term = page.locator(f".kb-text--other[lang={OTHER[lang]}] a.kb-term").first
    term.scroll_into_view_if_needed()
    definition = term.get_attribute("data-kb-definition")
    if OTHER[lang] == "zh":
        assert re.search(r"[\u4e00-\u9fff]", definition)
    term.hover()
    pop = page.locator(".kb-pop")
    pop.wait_for(state="visible")
    assert pop.get_attribute("lang") == OTHER[lang]
    assert definition in pop.inner_text()


@pytest.mark.parametrize("lang", LANGS)
def test_a_tap_on_a_glossary_link_opens_the_popover_and_stays_on_the_page(open_page, base_url, lang):
    url = _term_url(base_url, lang)
    page = open_page(url, 390, touch=True)
    term = page.locator(".kb-text--own a.kb-term").first
    term.scroll_into_view_if_needed()
    term.tap()
    pop = page.locator(".kb-pop")
    pop.wait_for(state="visible")
    page.wait_for_timeout(200)
    assert page.url == url
    assert term.get_attribute("data-kb-definition") in pop.inner_text()
    box = pop.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # A tap elsewhere closes it; the popover's link goes on to the glossary entry.
    page.locator("article h1").tap()
    pop.wait_for(state="hidden")
    term.tap()
    pop.locator("a.kb-pop__more").tap()
    page.wait_for_url(re.compile(r"/glossary/index\.html#"))


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_focus_opens_the_glossary_popover_and_escape_closes_it(open_page, base_url, lang):
    page = open_page(_term_url(base_url, lang), 1024)
    term = page.locator(".kb-text--own a.kb-term").first
    term.focus()
    pop = page.locator(".kb-pop")
    pop.wait_for(state="visible")
    assert term.get_attribute("aria-expanded") == "true"
    assert term.get_attribute("aria-describedby") == "kb-pop-text"
    page.keyboard.press("Escape")
    pop.wait_for(state="hidden")
    assert term.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("lang", LANGS)
def test_a_translators_note_mark_opens_the_note_in_a_popover(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}{ANSWER}", 1440, parallel=True)
    mark = page.locator(".kb-text[lang=en] a.footnote-ref").first
    mark.scroll_into_view_if_needed()
    note_id = mark.get_attribute("href")[1:]
    note = page.evaluate("id => document.getElementById(id).textContent", note_id)
    mark.hover()
    pop = page.locator(".kb-pop")
    pop.wait_for(state="visible")
    words = " ".join(note.replace("↩", "").split())[:40]
    assert words in " ".join(pop.inner_text().split())
    assert float(pop.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 14


# 4. Where am I -------------------------------------------------------------------------------------

WHERE = {  # page: (the active tab's folder, the page's own crumb, or None where the page has none)
    "answer": ("answers/", True), "theme": ("themes/", True), "author": ("authors/", True),
    "question": ("questions/", True), "stances": ("stances/", False),
}


@pytest.mark.parametrize("kind", list(WHERE))
@pytest.mark.parametrize("lang", LANGS)
def test_generated_pages_show_the_active_tab_and_a_breadcrumb(open_page, base_url, lang, kind):
    page = open_page(f"{base_url}/{PREFIX[lang]}{PAGES[kind]}", 1440)
    folder, crumbs = WHERE[kind]
    active = page.locator(".md-tabs__item:is(.md-tabs__item--active, .kb-tab--active) .md-tabs__link")
    assert active.count() == 1
    assert active.evaluate("a => a.href").endswith(f"/{PREFIX[lang]}{folder}index.html")
    weight = int(active.evaluate("a => getComputedStyle(a).fontWeight"))
    others = page.locator(".md-tabs__item:not(.md-tabs__item--active, .kb-tab--active) .md-tabs__link").first
    assert weight > int(others.evaluate("a => getComputedStyle(a).fontWeight"))
    if crumbs:
        trail = page.locator("nav.kb-crumbs")
        assert trail.is_visible()
        assert trail.bounding_box()["y"] < page.locator("article h1").bounding_box()["y"]
        assert trail.locator("[aria-current=page]").count() == 1
        assert trail.locator("a").count() >= 1


@pytest.mark.parametrize("width", [390, 1440])
@pytest.mark.parametrize("lang", LANGS)
def test_an_answer_page_leads_to_the_next_entry_clearly(open_page, base_url, lang, width):
    page = open_page(f"{base_url}/{PREFIX[lang]}answers/markovs-demon.html", width)
    trail = page.locator("nav.kb-crumbs a")
    assert trail.last.get_attribute("href") == "../questions/41168257.html"
    for side in ("previous", "next"):
        link = page.locator(f".kb-pager a.kb-pager__{side}")
        assert link.is_visible()
        box = link.bounding_box()
        assert box["height"] >= 40 and box["x"] + box["width"] <= width  # a card, not a thin line
        assert link.locator(".kb-pager__dir").inner_text().strip()
        assert link.locator(".kb-pager__title").inner_text().strip()


# 5. The parallel view on phones -------------------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_the_parallel_view_stacks_below_900_px_and_says_so(open_page, base_url, lang, width):
    page = open_page(f"{base_url}/{PREFIX[lang]}{ANSWER}", width, parallel=True)
    switch = page.locator(".kb-reading__parallel")
    assert switch.get_attribute("aria-pressed") == "true"
    zh, en = (page.locator(f"#p2 .kb-text[lang={x}]").bounding_box() for x in ("zh", "en"))
    stacked = width < 900
    label = switch.inner_text().strip()
    if stacked:
        assert en["y"] >= zh["y"] + zh["height"] - 1
        assert label == {"zh": "中英对照（上下）", "en": "Chinese and English, one above the other"}[lang]
    else:
        assert zh["x"] + zh["width"] <= en["x"] and abs(zh["y"] - en["y"]) < 2
        assert min(zh["width"], en["width"]) >= 400  # a readable measure each
        assert label == {"zh": "中英对照（左右）", "en": "Chinese and English side by side"}[lang]


# 6. Chinese typography -----------------------------------------------------------------------------

def _style(locator, prop: str) -> str:
    return locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')")


def _px(locator) -> float:
    return float(_style(locator, "font-size").removesuffix("px"))


def test_chinese_text_uses_a_cjk_stack_and_english_text_keeps_materials(open_page, base_url):
    page = open_page(f"{base_url}/{ANSWER}", 1440, parallel=True)
    zh = _style(page.locator("#p1 .kb-text[lang=zh] p"), "font-family")
    assert zh.index("PingFang SC") < zh.index("Noto Sans CJK SC") and "Microsoft YaHei" in zh
    assert "PingFang SC" in zh.split(",")[1]  # a CJK font before any full Latin one: CJK punctuation
    en = _style(page.locator("#p1 .kb-text[lang=en] p"), "font-family")
    assert not en.startswith('"KB Latin"') and "-apple-system" in en


def test_emphasis_in_chinese_is_not_slanted_and_headings_are_bold(open_page, base_url):
    page = open_page(f"{base_url}/{ANSWER}", 1440)
    page.evaluate("""() => { const em = document.createElement('em'); em.id = 'kb-test-em'; em.textContent = '强调';
                      document.querySelector('#p1 .kb-text--own p').append(em) }""")
    em = page.locator("#kb-test-em")
    assert _style(em, "font-style") == "normal"
    assert _style(em, "text-emphasis-style") in ("filled dot", "dot")
    h1 = page.locator("article h1")
    assert int(_style(h1, "font-weight")) >= 600
    assert _style(h1, "color") == _style(page.locator("#p1 .kb-text--own p"), "color")  # not light grey
    assert int(_style(page.locator("article h2").first, "font-weight")) >= 600


@pytest.mark.parametrize("lang", LANGS)
def test_summaries_and_translators_notes_are_at_body_size(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}{ANSWER}", 1440, parallel=True)
    body = _px(page.locator(".kb-body .kb-text--own p").first)
    summary = page.locator(".kb-summary p:not(.kb-summary__label)")
    assert _px(summary) == body
    assert page.locator(".admonition.abstract").count() == 0
    note = page.locator(".kb-notes .footnote li p").first
    assert _px(note) >= body - 0.5


# 7. The language switch keeps the place ------------------------------------------------------------

def _switch(page, to: str) -> None:
    page.hover(".md-header__option .md-select")
    page.click(f"a.kb-lang-link[hreflang={to}]")


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_keeps_the_paragraph_anchor(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}{ANSWER}#p4", 1440)
    _switch(page, OTHER[lang])
    page.wait_for_url(f"{base_url}/{PREFIX[OTHER[lang]]}{ANSWER}#p4")
    assert page.evaluate("document.querySelector(':target').id") == "p4"


def test_the_language_switch_passes_on_the_paragraph_in_view(open_page, base_url):
    page = open_page(f"{base_url}/{ANSWER}", 1024)
    page.locator("#p3").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(100)
    _switch(page, "en")
    page.wait_for_url(re.compile(r"/en/answers/naiyan-wang\.html#p[2-4]$"))


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_switch_keeps_the_filters(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}answers/index.html", 1440)
    page.select_option("select[name=theme]", "compute")
    _switch(page, OTHER[lang])
    page.wait_for_url(f"{base_url}/{PREFIX[OTHER[lang]]}answers/index.html?theme=compute")
    assert page.locator("select[name=theme]").input_value() == "compute"
    assert page.locator("li[data-author]:not([hidden])").count() == 4


# 8. Contrast and noise -----------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1440])
def test_text_and_controls_have_enough_contrast_in_both_schemes(open_page, base_url, axe_source, scheme, width):
    failures = []
    for lang in LANGS:
        for kind, path in [*PAGES.items(), ("answer, parallel view", ANSWER)]:
            page = open_page(f"{base_url}/{PREFIX[lang]}{path}", width, scheme, parallel="parallel" in kind)
            expected = "slate" if scheme == "dark" else "default"
            assert page.locator("body").get_attribute("data-md-color-scheme") == expected
            if kind == "answer":
                page.locator(".kb-text--own a.kb-term").first.focus()  # the popover, open
                page.locator("#p2").hover()  # and a citation control, shown
            page.evaluate(axe_source)  # not a <script> tag, which the page's policy refuses
            result = page.evaluate("axe.run(document, {runOnly: ['color-contrast'], resultTypes: ['violations']})")
            for violation in result["violations"]:
                failures.append((lang, kind, [n["target"] for n in violation["nodes"]][:4],
                                 violation["nodes"][0]["any"][0]["message"][:120]))
            page.close()
    assert failures == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_paragraph_citation_shows_only_on_hover_or_focus(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}{ANSWER}", 1440)
    cite = page.locator("#p2 .kb-cite")
    page.mouse.move(1, 1)
    opacity = lambda: float(cite.evaluate("e => getComputedStyle(e).opacity"))  # noqa: E731
    page.wait_for_timeout(250)
    assert opacity() == 0
    page.locator("#p2 .kb-text--own p").hover()
    page.wait_for_timeout(250)
    assert opacity() == 1
    page.mouse.move(1, 1)
    cite.focus()
    page.wait_for_timeout(250)
    assert opacity() == 1
    # It takes no line of its own: paragraphs follow each other as they would without it.
    gap = page.evaluate("""() => { const [a, b] = ['#p2', '#p3'].map(s => document.querySelector(s + ' p')
                            .getBoundingClientRect()); return b.top - a.bottom }""")
    assert gap < 40


@pytest.mark.parametrize("lang", LANGS)
def test_the_question_page_links_only_what_a_reader_needs(open_page, base_url, lang):
    page = open_page(f"{base_url}/{PREFIX[lang]}questions/41168257.html", 1440)
    entries = page.locator("#answers ~ ul > li")
    assert entries.count() == 11
    for index in range(entries.count()):
        assert entries.nth(index).locator("a").count() == 1  # the entry itself
    links = page.locator("article a:not(.headerlink, .kb-term)").count()
    assert links <= 20
