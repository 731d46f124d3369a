"""The sitemap and each page's metadata, both languages: sitemap.xml valid and complete (every page but
404.html), <html lang> per language, hreflang alternates to both language versions and a canonical link
on every page (404.html, rendered by MkDocs without a page and served at any depth, has neither), unique
titles per language, a meta description on every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from external_tools import LANGS, html_pages

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "http://site.test/"  # a stand-in origin to resolve relative links against

# Defects of the configuration or the generator that this branch cannot edit (mkdocs.yml, scripts/kb).
# An entry that no longer occurs fails the test: empty it when fixed.
KNOWN_GENERATOR_DEFECTS = {
    "sitemap-incomplete": "mkdocs.yml (and mkdocs.en.yml) set no site_url, and MkDocs writes a <url> for a "
                          "page only when it has a canonical URL, so both sitemap.xml files are an empty "
                          "<urlset>. Fix: set site_url (e.g. https://HOST/PATH/ in mkdocs.yml and "
                          "https://HOST/PATH/en/ in mkdocs.en.yml); the sitemap then lists every page.",
    "canonical-needs-site-url": "Without site_url no page has a canonical link: main.html writes one only "
                                "from page.canonical_url, since a canonical URL must be absolute (Lighthouse "
                                "fails a relative one). Fix: set site_url (as above); main.html needs no change.",
}


def _url(site: Path, path: Path) -> str:
    return urljoin(BASE, path.relative_to(site).as_posix())


def _links(doc: BeautifulSoup, rel: str, **attrs: str) -> list[str]:
    return [link.get("href", "") for link in doc.head.find_all("link", attrs=attrs) if rel in (link.get("rel") or [])]


def test_sitemaps_are_valid_and_complete(built_site: Path, report) -> None:
    problems: list[tuple[str, str]] = []
    figures = []
    for lang, prefix in LANGS.items():
        root = ET.parse(built_site / prefix / "sitemap.xml").getroot()
        assert root.tag == f"{SITEMAP}urlset", root.tag
        locs = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
        assert all(loc and urlsplit(loc).scheme in ("http", "https") for loc in locs), "a <loc> must be absolute"
        assert len(locs) == len(set(locs)), "duplicate <loc>"
        paths = [unquote(urlsplit(loc).path) for loc in locs]
        pages = {p.relative_to(built_site / prefix).as_posix() for p in html_pages(built_site / prefix)
                 if not (lang == "zh" and p.relative_to(built_site).parts[0] == "en")} - {"404.html"}

        # site_url's path is unknown here: a page is listed if a <loc> ends with its path
        def listed(page: str, paths: list[str] = paths) -> bool:
            folder = page.removesuffix("index.html")
            return any(p.endswith("/" + page) or (page.endswith("index.html") and p.endswith("/" + folder))
                       for p in paths)

        missing = sorted(p for p in pages if not listed(p))
        figures.append(f"{lang}: {len(locs)} of {len(pages)} pages listed")
        if missing:
            problems.append(("sitemap-incomplete", f"{lang}: {len(missing)} missing, e.g. {missing[:3]}"))
    report["sitemap"] = "; ".join(figures)
    assert [p for p in problems if p[0] not in KNOWN_GENERATOR_DEFECTS] == []
    if "sitemap-incomplete" not in {c for c, _ in problems}:
        pytest.fail("fixed: remove sitemap-incomplete from KNOWN_GENERATOR_DEFECTS", pytrace=False)


def test_every_page_has_its_language_alternates_canonical_title_and_description(built_site: Path, report) -> None:
    problems: list[str] = []
    known: set[str] = set()
    titles: dict[str, Counter] = {lang: Counter() for lang in LANGS}
    pages = html_pages(built_site)
    for path in pages:
        url = _url(built_site, path)
        lang = "en" if url.startswith(BASE + "en/") else "zh"
        doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        name = path.relative_to(built_site).as_posix()
        if doc.html.get("lang") != lang:
            problems.append(f"{name}: <html lang={doc.html.get('lang')!r}>, expected {lang!r}")
        descriptions = [m.get("content", "") for m in doc.head.find_all("meta", attrs={"name": "description"})]
        if len(descriptions) != 1 or not descriptions[0].strip():
            problems.append(f"{name}: meta descriptions {descriptions!r}")
        title = doc.head.title.get_text(strip=True) if doc.head.title else ""
        if not title:
            problems.append(f"{name}: no <title>")
        titles[lang][title] += 1
        if path.name == "404.html":
            continue
        canonical = _links(doc, "canonical")
        if not canonical:
            known.add("canonical-needs-site-url")
        elif len(canonical) != 1 or not canonical[0].endswith("/" + name.removeprefix("en/")):
            problems.append(f"{name}: canonical {canonical!r}")
        counterpart = {lang: url, ("en" if lang == "zh" else "zh"):
                       BASE + "en/" + url.removeprefix(BASE) if lang == "zh" else BASE + url.removeprefix(BASE + "en/")}
        for other, expected in counterpart.items():
            hrefs = _links(doc, "alternate", hreflang=other)
            if len(hrefs) != 1 or urljoin(url, hrefs[0]) != expected:
                problems.append(f"{name}: hreflang={other} {hrefs!r}, expected {expected}")
            elif not (built_site / unquote(expected.removeprefix(BASE))).is_file():
                problems.append(f"{name}: hreflang={other} points at a page that does not exist: {expected}")
    for lang, counts in titles.items():
        problems += [f"{lang}: title used {n} times: {t!r}" for t, n in counts.items() if n > 1]
    report["page metadata"] = (f"{len(pages)} pages: lang, description, unique title; {len(pages) - 2} with "
                               f"hreflang zh+en; {len(problems)} problems; known: {sorted(known) or 'none'}")
    assert problems == [], "\n".join(problems[:40])
    if "canonical-needs-site-url" not in known:
        pytest.fail("fixed: remove canonical-needs-site-url from KNOWN_GENERATOR_DEFECTS", pytrace=False)
