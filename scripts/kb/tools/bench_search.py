"""`kb bench search`: the labelled queries run in headless Chromium, stock Material against ours.

Both variants are built from the same Markdown in one run: "stock" is Material's own search
(plugin defaults for the language, jieba present, Material's worker); "ours" is the same site with
``extra.kb_search`` on. Each query is typed into Material's search box and the result pages read
back from Material's result list. Reported per query class, per class and language and per
language: precision@1, mean reciprocal rank and recall@5.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from kb.tools.browser import chromium, search, serve_directory

# `kb build` no longer builds Material's stock search (the index is made after the build), so only
# ours is measured; the stock columns of docs/dev/search.md are from before that change.
VARIANTS = ("ours",)
QUERIES = Path("tests/data/search_queries.yml")


@dataclass(frozen=True)
class Query:
    q: str
    site: str
    kind: str
    expect: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    query: Query
    pages: tuple[str, ...]  # result pages, relative to the site root, best first
    ms: float

    @property
    def hit(self) -> bool:
        return bool(self.pages) and self.pages[0] in self.query.expect

    @property
    def reciprocal_rank(self) -> float:
        """1 / the rank of the first expected page (0 when none is among the results)."""
        return next((1 / rank for rank, page in enumerate(self.pages, 1) if page in self.query.expect), 0.0)

    @property
    def recall(self) -> float:
        wanted = self.query.expect[:5]
        return len(set(self.pages[:5]) & set(self.query.expect)) / len(wanted)


def load_queries(path: Path) -> list[Query]:
    return [Query(str(e["q"]), e["site"], e["class"], tuple(e["expect"]))
            for e in yaml.safe_load(path.read_text(encoding="utf-8"))]


def build_variant(root: Path, variant: str, site_dir: Path) -> None:
    """Each variant in its own process: jieba's user words must not leak from one into the other."""
    subprocess.run([sys.executable, "-m", "kb", "build", "--root", str(root), "--site-dir", str(site_dir)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def page_of(url: str, site: str) -> str:
    path = urlsplit(url).path.lstrip("/")
    return path.removeprefix("en/") if site == "en" else path


def run_queries(browser, base: str, queries: list[Query]) -> list[Outcome]:
    outcomes = []
    page = browser.new_page()
    for site in ("zh", "en"):
        page.goto(f"{base}/{'en/' if site == 'en' else ''}")
        for query in (q for q in queries if q.site == site):
            started = time.perf_counter()
            links = search(page, query.q)
            elapsed = (time.perf_counter() - started) * 1000
            pages = tuple(dict.fromkeys(page_of(link, site) for link in links))
            outcomes.append(Outcome(query, pages, elapsed))
    page.close()
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """Per query kind, per kind and language (``kind/zh``), per language (``overall/zh``) and
    overall: the number of queries, precision@1, mean reciprocal rank and recall@5."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.query.kind].append(outcome)
    for outcome in outcomes:
        by_kind[f"{outcome.query.kind}/{outcome.query.site}"].append(outcome)
    for outcome in outcomes:
        by_kind[f"overall/{outcome.query.site}"].append(outcome)
    by_kind["overall"] = list(outcomes)
    return {kind: {"n": len(group),
                   "p_at_1": round(sum(o.hit for o in group) / len(group), 3),
                   "mrr": round(sum(o.reciprocal_rank for o in group) / len(group), 3),
                   "r_at_5": round(sum(o.recall for o in group) / len(group), 3)}
            for kind, group in by_kind.items()}


def bench_search(root: Path, queries_path: Path) -> dict:
    queries = load_queries(queries_path)
    results: dict[str, dict] = {}
    misses: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-search-") as tmp, chromium() as browser:
        for variant in VARIANTS:
            site_dir = Path(tmp) / variant
            build_variant(root, variant, site_dir)
            with serve_directory(site_dir) as base:
                outcomes = run_queries(browser, base, queries)
            results[variant] = summarize(outcomes)
            misses[variant] = [{"q": o.query.q, "site": o.query.site, "got": list(o.pages[:3])}
                               for o in outcomes if not o.hit]
    return {"queries": len(queries), "results": results, "misses": misses}


def format_table(report: dict) -> str:
    ours = report["results"]["ours"]
    stock = report["results"].get("stock")
    if stock is None:
        lines = [f"{'class':<20} {'n':>3}  {'P@1':>5} {'MRR':>5} {'R@5':>5}"]
        kinds = sorted(k for k in ours if not k.startswith("overall"))
        for kind in kinds + sorted(k for k in ours if k.startswith("overall/")) + ["overall"]:
            o = ours[kind]
            lines.append(f"{kind:<20} {o['n']:>3}  {o['p_at_1']:>5.2f} {o['mrr']:>5.2f} {o['r_at_5']:>5.2f}")
        for miss in report["misses"]["ours"]:
            lines.append(f"miss: [{miss['site']}] {miss['q']} -> {', '.join(miss['got']) or '(nothing)'}")
        return "\n".join(lines)
    lines = [f"{'class':<20} {'n':>3}  {'P@1 stock':>9} {'P@1 ours':>8}  {'MRR stock':>9} {'MRR ours':>8}  "
             f"{'R@5 stock':>9} {'R@5 ours':>8}"]
    kinds = sorted(k for k in stock if not k.startswith("overall"))
    for kind in kinds + sorted(k for k in stock if k.startswith("overall/")) + ["overall"]:
        s, o = stock[kind], ours[kind]
        lines.append(f"{kind:<20} {s['n']:>3}  {s['p_at_1']:>9.2f} {o['p_at_1']:>8.2f}  "
                     f"{s['mrr']:>9.2f} {o['mrr']:>8.2f}  "
                     f"{s['r_at_5']:>9.2f} {o['r_at_5']:>8.2f}")
    for variant in VARIANTS:
        for miss in report["misses"][variant]:
            lines.append(f"miss ({variant}): [{miss['site']}] {miss['q']} -> {', '.join(miss['got']) or '(nothing)'}")
    return "\n".join(lines)


def main(root: Path, queries_path: Path, as_json: bool) -> int:
    report = bench_search(root, queries_path)
    print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else format_table(report))
    return 0
