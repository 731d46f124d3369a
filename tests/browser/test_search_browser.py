"""Search for real readers (issue 32), in the browser: word forms, diacritics, traditional characters,
fragments across jieba's words, both languages, ranking and previews."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb.tools.bench_search import load_queries, run_queries, summarize

ROOT = Path(__file__).resolve().parents[2]
ISSUE_32 = ("word-form", "diacritics", "traditional", "fragment", "cross-language", "ranking")


def _first(page, query: str) -> str:
    from kb.tools.browser import search

    links = search(page, query)
    return urlsplit(links[0]).path if links else ""


@pytest.fixture(scope="module")
def outcomes(browser, base_url):
    queries = [q for q in load_queries(ROOT / "tests/data/search_queries.yml") if q.kind in ISSUE_32]
    return run_queries(browser, base_url, queries)


@pytest.mark.parametrize("kind", ISSUE_32)
def test_each_new_kind_of_query_finds_the_page_first(outcomes, kind):
    found = [o for o in outcomes if o.query.kind == kind]
    assert found
    misses = [(o.query.site, o.query.q, o.pages[:3]) for o in found if not o.hit]
    assert misses == []


def test_precision_at_one_in_both_languages(outcomes):
    summary = summarize(outcomes)
    assert summary["overall/zh"]["p_at_1"] >= 0.97 and summary["overall/en"]["p_at_1"] >= 0.97


def test_results_stay_in_the_sites_language(browser, base_url):
    from kb.tools.browser import search

    page = browser.new_page()
    page.goto(f"{base_url}/en/")
    assert all("/en/" in urlsplit(link).path for link in search(page, "模拟退火"))
    page.goto(f"{base_url}/")
    assert all("/en/" not in urlsplit(link).path for link in search(page, "Moore's law"))
    page.close()


def test_the_preview_is_the_author_and_the_matched_sentence_marked(browser, base_url):
    from kb.tools.browser import search

    page = browser.new_page()
    page.goto(f"{base_url}/en/")
    search(page, "JUMANJI")
    first = page.locator(".md-search-result__item").first
    text = first.inner_text()
    assert "Zhang Xiang" in text
    assert first.locator("mark").first.inner_text().lower().startswith("jumanji")
    assert "Author" not in text and len(text) < 600   # not the metadata, not the whole answer
    page.close()


def test_the_worker_stems_as_the_build_does(browser, base_url):
    import snowballstemmer

    words = ["generalize", "generalization", "generalizations", "annealing", "skies", "news", "dying",
             "communism", "biologist", "proceeding", "gently", "Moore's"]
    page = browser.new_page(bypass_csp=True)  # the test evals the worker's source; the policy forbids it
    page.goto(f"{base_url}/")
    got = page.evaluate("""async words => {
        const config = JSON.parse(document.getElementById('__config').textContent)
        window.__kbWorkerScope = {postMessage: () => {}, location: {href: new URL(config.search, location.href).href}}
        eval(await (await fetch(config.search)).text())
        const engine = new window.__kbWorkerScope.KbSearchEngine({config: {separator: '[\\\\s]+'}, docs: []})
        return words.map(word => engine.tokenize(word)[0])
    }""", words)
    english = snowballstemmer.stemmer("english")
    assert got == [english.stemWord(word.lower()) for word in words]
    page.close()
