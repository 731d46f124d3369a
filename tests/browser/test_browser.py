"""The built site in a real browser: search, language switch, filters, tooltips, errors, requests, a11y."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from kb.content.load import load
from kb.tools.bench_search import load_queries, run_queries, summarize

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = load(ROOT).collection.answers

# One page of each type, in each language.
PAGE_TYPES = {
    "home": "index.html", "question": "questions/41168257.html", "questions": "questions/index.html",
    "answer": "answers/naiyan-wang.html", "unsigned answer": "answers/other-two-walls.html",
    "all answers": "answers/index.html", "theme": "themes/compute.html", "themes": "themes/index.html",
    "author": "authors/markovs-demon.html", "authors": "authors/index.html", "viewpoint map": "stances/index.html",
    "glossary": "glossary/index.html", "about": "about.html",
}
PAGES = [(lang, kind, ("en/" if lang == "en" else "") + path)
         for lang in ("zh", "en") for kind, path in PAGE_TYPES.items()]


def test_search_finds_what_the_reader_meant(browser, base_url):
    outcomes = run_queries(browser, base_url, load_queries(ROOT / "tests/data/search_queries.yml"))
    summary = summarize(outcomes)
    misses = [(o.query.site, o.query.q, o.pages[:3]) for o in outcomes if not o.hit]
    assert summary["overall"]["p_at_1"] >= 0.9, misses
    assert summary["overall"]["n"] >= 40


def test_chinese_results_on_the_chinese_site_and_english_on_the_english(browser, base_url):
    from kb.tools.browser import search

    page = browser.new_page()
    page.goto(f"{base_url}/")
    assert all("/en/" not in link for link in search(page, "Naiyan Wang"))
    page.goto(f"{base_url}/en/")
    links = search(page, "Naiyan Wang")
    assert links and all("/en/" in link for link in links)
    page.close()


def test_typing_an_authors_or_a_themes_name_brings_its_page_first(browser, base_url):
    from kb.tools.browser import search

    page = browser.new_page()
    page.goto(f"{base_url}/")
    assert urlsplit(search(page, "申尚昆")[0]).path == "/authors/shen-shangkun.html"
    assert urlsplit(search(page, "算力与数据")[0]).path == "/themes/compute.html"
    page.goto(f"{base_url}/en/")
    assert urlsplit(search(page, "Markov's Demon")[0]).path == "/en/authors/markovs-demon.html"
    assert urlsplit(search(page, "Research culture")[0]).path == "/en/themes/research-culture.html"
    page.close()


def test_the_language_switch_on_an_answer_page_lands_on_the_same_answer(watched, base_url):
    page = watched.page
    page.goto(f"{base_url}/answers/zhang-xiang.html")
    page.hover(".md-header__option .md-select")
    page.click("a.kb-lang-link[hreflang=en]")
    page.wait_for_url(f"{base_url}/en/answers/zhang-xiang.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "science develops" in page.locator("article h1").inner_text()
    page.hover(".md-header__option .md-select")
    page.click("a.kb-lang-link[hreflang=zh]")
    page.wait_for_url(f"{base_url}/answers/zhang-xiang.html")
    assert page.locator("html").get_attribute("lang") == "zh"


def _visible_answers(page) -> list[str]:
    return page.eval_on_selector_all(
        "li[data-author]:not([hidden]) > strong > a", "links => links.map(a => a.getAttribute('href'))")


def test_filters_combine_show_counts_and_keep_their_state_in_the_url(watched, base_url):
    def pages(answers) -> list[str]:
        return [f"{a.id}.html" for a in answers]

    computing = [a for a in ANSWERS if "compute" in a.themes]
    stance = next(a.stance for a in computing if sum(b.stance == a.stance for b in computing) >= 2)
    both = [a for a in computing if a.stance == stance]
    assert len(ANSWERS) > len(computing) > len(both) >= 2  # each choice narrows the list
    page = watched.page
    page.goto(f"{base_url}/answers/index.html")
    assert len(_visible_answers(page)) == len(ANSWERS)
    page.select_option("select[name=theme]", "compute")
    assert _visible_answers(page) == pages(computing)
    assert "theme=compute" in page.url
    # Counts of the other facets follow the choice made.
    assert page.locator(f"select[name=stance] option[value={stance}]").inner_text().endswith(f"({len(both)})")
    page.select_option("select[name=stance]", stance)
    assert _visible_answers(page) == pages(both)
    assert f"显示 {len(both)} / {len(ANSWERS)} 篇回答" in page.locator(".kb-filters__status").inner_text()
    shared = page.url
    assert f"stance={stance}" in shared
    page.goto(shared)  # a shared link opens the same filtered view
    assert _visible_answers(page) == pages(both)
    assert page.locator("select[name=theme]").input_value() == "compute"
    page.click(".kb-filters button[type=reset]")
    assert len(_visible_answers(page)) == len(ANSWERS)
    assert "theme=" not in page.url


def test_without_javascript_the_answers_page_is_the_full_plain_list(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/en/answers/index.html?theme=compute")
    assert page.locator("li[data-author]").count() == len(ANSWERS)
    assert not page.locator("form.kb-filters").is_visible()
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_glossary_tooltips_show_on_hover_and_on_keyboard_focus(watched, base_url, lang):
    page = watched.page
    page.goto(f"{base_url}/{'en/' if lang == 'en' else ''}answers/zhang-xiang.html")
    term = page.locator(".kb-text--own a.kb-term").first
    expect(term).to_have_attribute("data-kb-definition", re.compile(r"\S"))  # set once kb-reading.js ran
    definition = term.get_attribute("data-kb-definition")
    term.hover()
    popover = page.locator(".kb-pop")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(definition)
    page.mouse.move(0, 0)
    expect(popover).to_be_hidden()
    # Keyboard: Tab through the page until the first glossary link has focus.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kb-term')"):
            break
    else:
        pytest.fail("no glossary link was reached with the keyboard")
    # The first link reached is the first in the text, whose definition was read above.
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(definition)


@pytest.mark.parametrize("lang, kind, path", PAGES, ids=[f"{lang}-{kind}" for lang, kind, _ in PAGES])
def test_every_page_type_loads_without_errors_or_third_party_requests(watched, base_url, lang, kind, path):
    page = watched.page
    page.goto(f"{base_url}/{path}")
    page.wait_for_load_state("networkidle")
    page.locator(".md-search__input").click()  # loads the search index and worker too
    page.wait_for_load_state("networkidle")
    assert watched.errors == []
    assert watched.hosts == {"127.0.0.1"}


@pytest.mark.parametrize("lang, kind, path", PAGES, ids=[f"{lang}-{kind}" for lang, kind, _ in PAGES])
def test_every_page_type_has_no_serious_accessibility_violation(watched, base_url, axe_source, lang, kind, path):
    page = watched.page
    page.goto(f"{base_url}/{path}")
    page.evaluate(axe_source)  # not a <script> tag, which the page's policy refuses
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_search_worker_is_ours(watched, base_url):
    page = watched.page
    page.goto(f"{base_url}/")
    config = page.evaluate("JSON.parse(document.getElementById('__config').textContent)")
    assert re.search(r"workers/kb-search\.js$", config["search"])


_ENGINE = """async cases => {
    const script = await (await fetch('search/search_index.js')).text()
    const index = JSON.parse(script.replace(/^var __index = /, ''))
    const lean = await (await fetch('search/search_index.json')).json()
    const config = JSON.parse(document.getElementById('__config').textContent)
    const worker = new URL(config.search, location.href).href
    window.__kbWorkerScope = {postMessage: () => {}, location: {href: worker}}
    eval(await (await fetch(config.search)).text())
    const Engine = window.__kbWorkerScope.KbSearchEngine
    const own = new Engine({config: {...index.config, kb: {t2s: index.config.kb.t2s}}, docs: index.docs})
    const bare = new Engine({config: {separator: cases.separator, kb: {t2s: cases.t2s}}, docs: []})
    const cut = cases.texts.map(text => [...bare.cut([{location: '', title: text, text: ''}]).keys()])
    const sharded = await Engine.open({config: lean.config, docs: lean.docs})
    const before = sharded.postings.size
    await sharded.loadPostings(sharded.vocabulary)
    await sharded.loadTexts(sharded.docs)
    return {built: index.config.kb.postings, own: [...own.postings], cut, before,
            sharded: [...sharded.postings], texts: sharded.docs.map(doc => doc.text),
            docs: index.docs.map(doc => doc.text.replace(/\\u200b/g, ''))}  // the shards' texts have none
}"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_worker_would_cut_the_index_as_the_build_did_and_reads_its_shards(browser, base_url, lang):
    # The build cuts the index (kb.search.tokens) so that the worker does not on every page load;
    # both must find the same tokens, or queries would miss what the pages hold.
    from kb.search.tokens import Cutter

    from support.cut import CASES, SEPARATOR, T2S

    page = browser.new_page(bypass_csp=True)  # the test evals the worker's source; the policy forbids it
    page.goto(f"{base_url}/{'en/' if lang == 'en' else ''}")  # the language's own worker and index
    cases = {"separator": SEPARATOR, "t2s": T2S, "texts": CASES}
    found = page.evaluate(_ENGINE, cases)
    page.close()
    assert len(found["built"]) > 1000
    assert dict(found["own"]) == dict(found["built"])  # every token, with the same postings
    tokens = [token for token, _ in found["built"]]
    assert tokens == sorted(tokens)  # in code point order (the worker's own cut: order of first appearance)
    cutter = Cutter(SEPARATOR, T2S)
    assert found["cut"] == [list(dict.fromkeys(cutter.tokens(text))) for text in CASES]
    # Served, the worker starts from the head (in search_index.json) and fetches the shards a query needs.
    assert found["before"] == 0
    assert sorted(found["sharded"]) == sorted(found["built"])
    assert found["texts"] == found["docs"]


_RULES = """async () => {
    const config = JSON.parse(document.getElementById('__config').textContent)
    window.__kbWorkerScope = {postMessage: () => {}, location: {href: new URL(config.search, location.href).href}}
    eval(await (await fetch(config.search)).text())
    const Engine = window.__kbWorkerScope.KbSearchEngine
    const engine = new Engine({config: {separator: '[\\\\s\\\\-]+', kb: {t2s: {'學': '学', '習': '习'}}}, docs: []})
    const titles = ['深度學習 入門', 'ＡＢＣ　Ｄｅｅｐ', '<b>核</b>方法', 'ΟΔΟΣ', 'ΚΑΙ', 'x\\u200by', '']
    const docs = titles.map(title => ({location: '', title}))
    engine.titleKeys(docs.slice(0, 2))  // some kept from an earlier query, the others all at once
    engine.titleKeys(docs)
    // Equal scores: the same title and text at locations whose code-unit order is not the locale's.
    const ties = ['b/', 'a/', 'Z/', 'ä/'].map(location => ({location, title: '核方法', text: '核方法'}))
    const tied = new Engine({config: {separator: '[\\\\s\\\\-]+'}, docs: ties})
    const result = await tied.search('核方法')
    return {keys: docs.map(doc => doc.titleKey), order: result.items.map(group => group[0].location)}
}"""


def test_the_worker_normalises_titles_together_and_orders_ties_by_location(browser, base_url):
    # Titles are normalised in one call for all a query found (NFKC, lower case, traditional read
    # as simplified, tags and spaces out), each as it would be alone; equal scores keep the
    # locations' code-unit order, the same in every browser, without a collator.
    page = browser.new_page(bypass_csp=True)  # the test evals the worker's source; the policy forbids it
    page.goto(f"{base_url}/")
    found = page.evaluate(_RULES)
    page.close()
    # (門 is not in this table; a final Σ stays final when the next title follows it.)
    assert found["keys"] == ["深度学习入門", "abcdeep", "核方法", "οδος", "και", "xy", ""]
    assert found["order"] == ["Z/", "a/", "b/", "ä/"]


def test_the_benchmark_times_index_loading_and_queries_in_the_browser(browser, site):
    from kb.tools.bench import search_timing

    timings = search_timing(site, browser)
    assert set(timings) == {"index_load_ms", "first_query_ms", "query_ms", "search_floor_ms"}
    assert all(ms > 0 for ms in timings.values())


def test_the_benchmark_fails_instead_of_waiting_for_a_worker_that_cannot_open_its_index(browser, site, tmp_path):
    import shutil

    from playwright.sync_api import Error

    from kb.tools.bench import search_timing

    worker = "assets/javascripts/workers/kb-search.js"
    (tmp_path / worker).parent.mkdir(parents=True)
    shutil.copy(site / worker, tmp_path / worker)
    shutil.copy(site / "index.html", tmp_path / "index.html")
    (tmp_path / "search").mkdir()
    (tmp_path / "search/search_index.json").write_text('{"config": {"kb": {"head": {"t2s": 7}}}, "docs": []}',
                                                       encoding="utf-8")  # the worker throws opening it
    with pytest.raises(Error, match="no message of type 1 within 2000 ms"):
        search_timing(tmp_path, browser, wait_s=2)


_SHARDED_AND_WHOLE = """async ([queries, worker]) => {
    performance.setResourceTimingBufferSize(10000)
    window.__kbWorkerScope = {postMessage: () => {}, location: {href: new URL(worker, location.href).href}}
    eval(await (await fetch(worker)).text())
    const Engine = window.__kbWorkerScope.KbSearchEngine
    const script = await (await fetch('search/search_index.js')).text()
    const index = JSON.parse(script.replace(/^var __index = /, ''))
    const lean = await (await fetch('search/search_index.json')).json()
    const whole = new Engine({config: index.config, docs: index.docs})
    const sharded = await Engine.open({config: lean.config, docs: lean.docs})
    const fetched = () => performance.getEntriesByType('resource').map(e => e.name)
        .filter(name => name.includes('/search/kb/')).length
    const results = []
    for (const query of queries) {
        const before = fetched()
        const [a, b] = [await whole.search(query), await sharded.search(query)]
        results.push({query, same: JSON.stringify(a) === JSON.stringify(b), pages: a.items.length,
                      fetched: fetched() - before})
    }
    return results
}"""


def _small_shards(site: Path, folder: Path, postings_bytes: int = 2_000, text_bytes: int = 4_000) -> dict:
    """The real index in ``folder``/search, cut into small shards (kb.search.shards.split), so that it
    spreads over many files; the whole index beside it, as the build writes it. Returns the files."""
    import json
    import shutil

    from kb.search.index import read_index, write_shards
    from kb.search.shards import split

    lean, files = split(read_index(site / "search"), postings_bytes=postings_bytes, text_bytes=text_bytes)
    (folder / "search").mkdir(exist_ok=True)
    write_shards(folder / "search", files)
    (folder / "search/search_index.json").write_text(json.dumps(lean, ensure_ascii=False), encoding="utf-8")
    shutil.copy(site / "search/search_index.js", folder / "search")
    return files


def test_the_sharded_index_answers_as_the_whole_one_fetching_only_what_a_query_needs(browser, site, tmp_path):
    # Small shards, so that the real index spreads over many files (kb.search.shards.split).
    import shutil

    from kb.tools.browser import serve_directory

    files = _small_shards(site, tmp_path)
    worker = "assets/javascripts/workers/kb-search.js"
    (tmp_path / worker).parent.mkdir(parents=True)
    shutil.copy(site / worker, tmp_path / worker)
    (tmp_path / "index.html").write_text("<!doctype html><title>shards</title>", encoding="utf-8")
    queries = [q.q for q in load_queries(ROOT / "tests/data/search_queries.yml") if q.site == "zh"]
    with serve_directory(tmp_path) as base:
        page = browser.new_page(bypass_csp=True)  # the test evals the worker's source; the policy forbids it
        page.goto(f"{base}/index.html")
        results = page.evaluate(_SHARDED_AND_WHOLE, [queries, worker])
        page.close()
    shards = len(files) - 1
    assert shards > 40
    assert [r["query"] for r in results if not r["same"]] == []
    assert all(r["pages"] > 0 for r in results)
    # The first query fetches some shards, not all; later ones only what earlier ones did not.
    assert 0 < results[0]["fetched"] < shards / 2
    assert sum(r["fetched"] for r in results) <= shards


_LATER_TEXTS = """async ([worker, query]) => {
    const whole = await (async () => {
        window.__kbWorkerScope = {postMessage: () => {}}
        eval(await (await fetch(worker)).text())
        const script = await (await fetch('search/search_index.js')).text()
        const index = JSON.parse(script.replace(/^var __index = /, ''))
        return new window.__kbWorkerScope.KbSearchEngine({config: index.config, docs: index.docs}).search(query)
    })()
    const lean = await (await fetch('search/search_index.json')).json()
    const real = new Worker(worker)  // kb-search-client.js's Worker, as Material would start it
    let result = null, missing = null
    const done = new Promise(resolve => real.addEventListener('message', ({data: message}) => {
        if (message.type === 3) {  // which texts are not yet those of the whole index
            result = message.data
            missing = result.items.map((group, g) =>
                group.filter((item, i) => item.text !== whole.items[g][i].text).length)
        }
        if (message.type === 100) resolve()
    }))
    real.postMessage({type: 0, data: {config: lean.config, docs: lean.docs, options: {suggest: false}}})
    real.postMessage({type: 2, data: query})
    await done
    real.terminate()
    const same = JSON.stringify(result.items) === JSON.stringify(whole.items)
    return {missing, same, groups: result.items.length}
}"""


def test_the_later_pages_texts_follow_the_result_and_fill_the_items_material_renders(browser, site, tmp_path):
    # Material renders a result's first ten pages at once, the rest as the list scrolls; the worker
    # sends the texts of the rest afterwards, and kb-search-client.js puts them into the same items.
    import shutil

    from kb.tools.browser import serve_directory

    _small_shards(site, tmp_path)
    scripts = "assets/javascripts"
    shutil.copytree(site / scripts, tmp_path / scripts)
    client = f'<script src="{scripts}/kb-search-client.js"></script>'
    (tmp_path / "index.html").write_text(f"<!doctype html><title>later</title>{client}", encoding="utf-8")
    with serve_directory(tmp_path) as base:
        page = browser.new_page()
        page.goto(f"{base}/index.html")
        found = page.evaluate(_LATER_TEXTS, [f"{scripts}/workers/kb-search.js", "深度学习"])
        page.close()
    assert found["groups"] > 10
    assert sum(found["missing"][:10]) == 0  # the pages rendered at once have their texts
    assert sum(found["missing"][10:]) > 0  # the others' followed ...
    assert found["same"]  # ... and are in the items now, as over the whole index


_ASK = """async ([worker, query]) => {
    if (!window.__worker) {  // opened once, as Material does when the page loads
        const lean = await (await fetch('search/search_index.json')).json()
        window.__worker = new Worker(worker)
        const ready = new Promise(resolve => window.__worker.addEventListener('message',
            ({data}) => { if (data.type === 1) resolve() }))
        window.__worker.postMessage({type: 0, data: {config: lean.config, docs: lean.docs, options: {suggest: false}}})
        await ready
    }
    const result = new Promise(resolve => window.__worker.addEventListener('message', function once({data}) {
        if (data.type === 3) { window.__worker.removeEventListener('message', once); resolve(data.data) }
    }))
    window.__worker.postMessage({type: 2, data: query})
    return (await result).items.map(group => group[0].location)
}"""


def test_a_page_open_while_the_site_is_published_again_still_finds_what_it_asks_for(browser, site, tmp_path):
    # Shards are named by their content, so a new build removes the files an open page's head names.
    import os
    import shutil

    from kb.tools.browser import serve_directory

    _small_shards(site, tmp_path)
    worker = "assets/javascripts/workers/kb-search.js"
    (tmp_path / worker).parent.mkdir(parents=True)
    shutil.copy(site / worker, tmp_path / worker)
    (tmp_path / "index.html").write_text("<!doctype html><title>redeploy</title>", encoding="utf-8")
    with serve_directory(tmp_path) as base:
        page = browser.new_page()
        page.goto(f"{base}/index.html")
        before = page.evaluate(_ASK, [worker, "深度学习"])
        old = {p.name for p in (tmp_path / "search/kb").iterdir()}
        _small_shards(site, tmp_path, postings_bytes=3_000, text_bytes=5_000)  # published again, later: the
        lean = tmp_path / "search/search_index.json"  # server compares times to the second
        os.utime(lean, (lean.stat().st_atime + 60, lean.stat().st_mtime + 60))
        new = {p.name for p in (tmp_path / "search/kb").iterdir()}
        assert len(old & new) < len(old) / 2  # the head the page holds is gone, and most shards it names
        after = [page.evaluate(_ASK, [worker, query]) for query in ("调参", "深度学习")]
        page.close()
    assert before and after[0]
    assert after[1] == before  # the same index, cut otherwise
