"""`kb bench`: the build at N bilingual entries, as ratios to a floor measured in the same run.

For each N, a synthetic collection (kb.tools.synthetic) in a fresh temporary folder, then, each in a
fresh process with no state from an earlier run (cold):

- build_s: `kb build` (check, generate, both languages with MkDocs, strict, the search index);
- generate_s: `kb generate` alone (the generator's share of the build);
- floor_s: plain MkDocs, no plugins and a one-page nav, over the same staged pages, both languages;
- serve_edit_s: `kb serve` running, from saving an edit to one entry until the server tells the open
  page to reload, with the edit in it (a warm figure: that is what it measures);
- index_load_ms, first_query_ms, query_ms, search_floor_ms: our search worker in headless Chromium
  (medians of five runs; search_floor_ms is the same worker ready with an empty index).

The targets (issue 28): build_s <= 1.5x floor_s, and no less than 1.0x; generate_s <= 15 % of
build_s; per-entry cost from the smallest N to the largest grows by at most 1.2x; serve_edit_s <= 1 s
and first_query_ms <= 50 ms at N = 1,000. Timings on a shared machine are noise alone: only the ratios
within one run are compared. docs/dev/benchmarks.md explains the figures.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

from kb.tools.synthetic import make_collection

QUERIES = ("集中不等式", "调参", "张翔", "模拟退火", "工程")
FLOOR_CONFIG = """site_name: floor
docs_dir: {docs}
site_dir: {site}
use_directory_urls: false
theme:
  name: material
  language: {lang}
  font: false
plugins: []
nav:
  - index.md
markdown_extensions: [abbr, admonition, attr_list, md_in_html, tables, footnotes, pymdownx.details,
                      pymdownx.superfences, pymdownx.magiclink, {{toc: {{permalink: true}}}}]
"""


def run(command: list[str], cwd: Path | None = None) -> float:
    """Wall seconds of one command in a new process, which must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-2000:]}")
    return elapsed


def kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb", *args]


def floor_s(project: Path, work: Path) -> float:
    """Both languages' staged pages (the last build's) built by plain MkDocs, one after the other."""
    total = 0.0
    for lang in ("zh", "en"):
        config = work / f"floor-{lang}.yml"
        config.write_text(FLOOR_CONFIG.format(docs=project / "build" / "docs" / lang, site=work / f"floor-{lang}",
                                              lang=lang), encoding="utf-8")
        total += run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)])
    return total


EDITED_PAGE = "answers/a00001.html"  # the page of the entry edit_one_entry edits


def edit_one_entry(project: Path, mark: str = "（编辑）") -> None:
    """Add ``mark`` to the first sentence of one entry's text (its body, not its title or front-matter)."""
    path = sorted((project / "answers").glob("*/a00001.md"))[0]
    front, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    path.write_text(front + "\n---\n" + body.replace("。", "。" + mark, 1), encoding="utf-8")


def serve_timing(project: Path, work: Path, timeout: float = 1800) -> float:
    """Seconds from saving an edit to one entry until `kb serve` tells the open page to reload, with the
    edit in it: what a writer waits for in the preview. (The first build, before the edit, is not timed.)"""
    from kb.tools.browser import kb_serve, reload_after

    mark = "（预览）"
    with kb_serve(project, work / "serve.log", EDITED_PAGE, timeout) as base:
        elapsed, page = reload_after(base, EDITED_PAGE, lambda: edit_one_entry(project, mark), timeout)
    if mark not in page:
        raise RuntimeError("kb serve reloaded without the edit")
    return elapsed


TIMINGS = ("index_load_ms", "first_query_ms", "query_ms", "search_floor_ms")


SEARCH_RUNS = 5


def search_timing(site: Path, browser=None, wait_s: float = 60, runs: int = SEARCH_RUNS) -> dict[str, float | None]:
    """Index load, first query and mean query time of our worker in Chromium, and the same worker's
    time to be ready with an empty index, in ms (a browser may be passed in): medians of ``runs``,
    each in a fresh browser context, the empty and the full index in turn. The worker is started and
    the index fetched at once, as Material's bundle does (until 2026-11-30 the index was fetched
    first, which added its fetching and parsing, 6-7 ms at N = 1,000, to the load).

    Each run times a worker of its own on a page whose own loading is over (network idle): timed
    while the page's own search worker opened the same index, the two raced for the machine's two
    cores and the figures doubled and swung from run to run (N = 1,000, five runs: load 48-78 ms with
    the page loading, 20-27 ms idle). The index and the worker's script are fetched past the page's
    cache, so their fetching is timed too. A worker that does not answer within ``wait_s`` (one that
    failed to open its index says so only in the console) fails the timing instead of leaving it
    waiting."""
    from kb.tools.browser import chromium, chromium_path, serve_directory

    if browser is None:
        if chromium_path() is None:
            return dict.fromkeys(TIMINGS)
        with chromium() as own:
            return search_timing(site, own, wait_s, runs)
    script = """async ([queries, empty, wait]) => {
        const config = JSON.parse(document.getElementById('__config').textContent)
        const started = performance.now()
        // The worker starts while the index is fetched, as Material's bundle starts them
        // (setupSearchWorker creates the worker, then subscribes to the index's request).
        const worker = new Worker(`${config.search}?run=${Math.random()}`)  // not the page's cached copy
        const index = empty ? {config: {separator: '[\\\\s]+'}, docs: []}
                            : await (await fetch('search/search_index.json', {cache: 'no-store'})).json()
        const reply = type => new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`the search worker sent no message of type ${type}`
                                                            + ` within ${wait} ms`)), wait)
            worker.onmessage = event => {
                if (event.data.type === type) { clearTimeout(timer); resolve(event.data) }
            }
        })
        worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: false}}})
        await reply(1)
        const loaded = performance.now() - started
        if (empty) { worker.terminate(); return [loaded] }
        const times = []
        for (const q of queries) {
            const t = performance.now()
            worker.postMessage({type: 2, data: q})
            const answer = await reply(3)
            if (!answer.data.items.length) throw new Error(`no result for ${q}`)
            times.push(performance.now() - t)
        }
        worker.terminate()
        return [loaded, times[0], times.reduce((sum, t) => sum + t, 0) / times.length]
    }"""
    floors, figures = [], []
    with serve_directory(site) as base:
        for _ in range(runs):
            for empty in (True, False):
                context = browser.new_context()  # nothing cached from an earlier page
                try:
                    page = context.new_page()
                    page.goto(f"{base}/", wait_until="networkidle")
                    found = page.evaluate(script, [list(QUERIES), empty, wait_s * 1000])
                finally:  # a timing that failed leaves no page and worker behind in the browser
                    context.close()
                (floors if empty else figures).append(found)
    loaded, first, mean = (statistics.median(column) for column in zip(*figures, strict=True))
    floor_ms = statistics.median(floor for [floor] in floors)
    return dict(zip(TIMINGS, (round(loaded, 1), round(first, 1), round(mean, 2), round(floor_ms, 1)), strict=True))


def bench_size(source: Path, n: int, work: Path, browser_timing: bool = True) -> dict:
    """Every figure for one N, in ``work``."""
    project = make_collection(source, work / "project", n)
    site = work / "site"
    generate_s = run(kb("generate", "--root", str(project)))
    shutil.rmtree(project / "build")  # the build starts from nothing too
    build_s = run(kb("build", "--root", str(project), "--site-dir", str(site)))
    figures = {"generate_s": round(generate_s, 2), "build_s": round(build_s, 2),
               "floor_s": round(floor_s(project, work), 2)}
    figures.update(search_timing(site) if browser_timing else dict.fromkeys(TIMINGS))
    figures["serve_edit_s"] = round(serve_timing(project, work), 2)
    return figures


def bench(source: Path, sizes: list[int], browser_timing: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        return {str(n): bench_size(source, n, Path(tmp) / str(n), browser_timing) for n in sizes}


def environment() -> dict:
    return {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: version(name) for name in ("mkdocs", "mkdocs-material", "rjieba", "pymdown-extensions")},
    }


def rows(results: dict) -> list[dict]:
    """Each N with its ratios: build to floor, generator to build, and per-entry growth from the first N."""
    out, first = [], None
    for n, r in results.items():
        row = {"n": int(n), **r, "build_vs_floor": round(r["build_s"] / r["floor_s"], 2),
               "generate_share": round(r["generate_s"] / r["build_s"], 2)}
        if first is not None:
            row["per_entry_growth"] = round((r["build_s"] / int(n)) / (first[1]["build_s"] / first[0]), 2)
        first = first or (int(n), r)
        out.append(row)
    return out


HEAD = ["N", "build s", "floor s", "build / floor", "generate s", "generate / build", "per-entry growth",
        "serve edit s", "index load ms", "first query ms", "query ms", "search floor ms"]


def table(results: dict) -> str:
    lines = ["| " + " | ".join(HEAD) + " |", "|" + "---:|" * len(HEAD)]
    for row in rows(results):
        cells = [f"{row['n']:,}", row["build_s"], row["floor_s"], f"{row['build_vs_floor']}×", row["generate_s"],
                 f"{row['generate_share']:.0%}", f"{row['per_entry_growth']}×" if "per_entry_growth" in row else "–",
                 row["serve_edit_s"], *(row.get(key) if row.get(key) is not None else "–" for key in TIMINGS)]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main(root: Path, sizes: list[int], as_json: bool, write: bool) -> int:
    results = bench(root, sizes)
    env = environment()
    if as_json:
        print(json.dumps({"environment": env, "results": results, "rows": rows(results)}, ensure_ascii=False, indent=2))
    else:
        print(table(results))
    if write:
        page = root / "docs" / "dev" / "benchmarks.md"
        text = page.read_text(encoding="utf-8")
        start, end = "<!-- kb bench: start -->", "<!-- kb bench: end -->"
        versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
        block = (f"{start}\nRun {env['date']} on {env['machine']}, Python {env['python']}, {versions}:\n\n"
                 f"{table(results)}\n{end}")
        head, _, rest = text.partition(start)
        page.write_text(head + block + rest.partition(end)[2], encoding="utf-8")
    return 0
