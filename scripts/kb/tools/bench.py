"""`kb bench`: the build at N = 100, 1,000 and 10,000 entries, against a floor measured in the same run.

For each N, in a fresh temporary folder: a synthetic collection (kb.tools.synthetic), then
- generate_s: `kb generate` from nothing (the shorter of two runs: this machine's file creation alone
  varies by seconds from one moment to the next);
- build_s, peak_rss_mb: `kb build` from nothing (check, generate, both languages with MkDocs, strict),
  as users run it; the memory is the largest single process's (the two languages build at once in two);
- floor_s: MkDocs with no plugins, no hooks and a one-page nav on the same Markdown, one language after
  the other; floor_at_once_s, the same two builds run at once, as `kb build` runs a full build on a
  machine with two cores (kb.site); the build and the floors are each run twice, alternately, and the
  shorter time of each is kept;
- site_bytes, search_index_bytes: the built site, and what both search indexes give readers to fetch
  (search_index.json and the shards; search_head_bytes: search_index.json, which every page fetches);
- rebuild_one_s: `kb build` again after editing one paragraph of one entry, in a new process that
  starts from what the last build carried (kb.memo); rebuild_floor_s, what any such rebuild pays before
  its own work: a new process that imports jieba (an edited Chinese paragraph must be cut; its dictionary
  is read only where the paragraph needs it, kb.dictionary) and builds a one-page site with MkDocs and
  Material in each language (the shorter of two runs);
- serve_edit_s: `kb serve` running, the time from saving an edit to one entry until the server tells the
  open page to reload (with the edit in it);
- index_load_ms, first_query_ms, query_ms: our search worker in headless Chromium, in a fresh browser
  context, once the page has loaded: loading the Chinese index (search_index.json, which holds the
  shards' head), answering the first query (fetching the shards it needs), and the mean time of all
  queries in turn (None when Chromium is absent); search_floor_ms, the search's own floor: the same
  worker, started the same way in a fresh context of the same browser, ready with an empty index
  (what any search in a worker pays before its index counts: the worker's script fetched, compiled
  and started); each the median of five runs (search_timing).
Timings on a shared machine are noise alone, so every figure is also given as a ratio to the floor
of the same N, and as growth from one N to the next.

Nothing is deleted until every N is measured: what a run starts from nothing without is moved aside
(set_aside). On ext4 without a journal, as on this machine, a file created within five minutes of
thousands being deleted costs up to a millisecond instead of tens of microseconds: the filesystem
will not reuse an inode freed in the last five minutes, and passes each one over (Linux's
`recently_deleted`, fs/ext4/ialloc.c). Deleting the last run's 10,000 files before the next would
charge that to whatever runs next, the build more than the floor.
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
from unittest import mock

from kb.memo import CACHE_ENV
from kb.tools.synthetic import make_collection

QUERIES = ("集中不等式", "调参", "张翔", "模拟退火", "工程")

FLOOR_CONFIG = """site_name: floor
docs_dir: {docs}
site_dir: {site}
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


def run(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one command, which must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_at_once(commands: list[list[str]]) -> float:
    """Wall seconds of ``commands`` started together, until the last ends; each must succeed."""
    started = time.perf_counter()
    processes = [subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for command in commands]
    for command, process in zip(commands, processes, strict=True):
        _, errors = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {errors.decode()[-2000:]}")
    return time.perf_counter() - started


def floor_times(project: Path, work: Path) -> tuple[float, float]:
    """Both languages built with no plugins and a minimal nav from the same Markdown: one after the
    other, then both at once."""
    commands: dict[str, list[list[str]]] = {"one after the other": [], "at once": []}
    for lang in ("zh", "en"):
        work.mkdir(parents=True, exist_ok=True)
        docs = work / f"floor-docs-{lang}"
        shutil.copytree(project / "docs" / lang, docs)
        shutil.copytree(project / "docs" / "_generated" / lang, docs, dirs_exist_ok=True)
        for way, built in commands.items():  # each into a folder of its own: none cleans out the other's
            config = work / f"floor-{lang}-{way.replace(' ', '-')}.yml"
            site = work / f"floor-site-{lang}-{way.replace(' ', '-')}"
            config.write_text(FLOOR_CONFIG.format(docs=docs, site=site, lang=lang), encoding="utf-8")
            built.append([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)])
    return sum(run(command)[0] for command in commands["one after the other"]), run_at_once(commands["at once"])


REBUILD_FLOOR = """
import sys
import jieba
from mkdocs.commands.build import build
from mkdocs.config import load_config

jieba.setLogLevel(60)
for config in sys.argv[1:]:
    build(load_config(config))
"""
ONE_PAGE_CONFIG = "site_name: floor\ntheme:\n  name: material\n  language: {lang}\n  font: false\nplugins: []\n"


def rebuild_floor(work: Path) -> float:
    """A new process that imports jieba and builds a one-page Material site per language."""
    configs = []
    for lang in ("zh", "en"):
        folder = work / "rebuild-floor" / lang
        (folder / "docs").mkdir(parents=True, exist_ok=True)
        (folder / "docs" / "index.md").write_text("# kb\n", encoding="utf-8")
        (folder / "mkdocs.yml").write_text(ONE_PAGE_CONFIG.format(lang=lang), encoding="utf-8")
        configs.append(str(folder / "mkdocs.yml"))
    return run([sys.executable, "-c", REBUILD_FLOOR, *configs])[0]


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


def search_bytes(site: Path, every_page: bool = False) -> int:
    """Bytes of both languages' search index that readers fetch: search_index.json, which holds the
    shards' head and which every page fetches, and (unless ``every_page``) the shards a query may fetch."""
    total = 0
    for sub in ("", "en"):
        folder = site / sub / "search"
        lean = json.loads((folder / "search_index.json").read_text(encoding="utf-8"))
        shards = folder / lean["config"]["kb"]["head"]["folder"]
        files = [] if every_page else [p for p in shards.iterdir() if p.is_file()]
        total += (folder / "search_index.json").stat().st_size + sum(p.stat().st_size for p in files)
    return total


def set_aside(paths: list[Path], aside: Path) -> None:
    """Move each of ``paths`` that exists into ``aside`` (a folder on the same filesystem), where it
    stays until the benchmark ends: deleting it now would slow the next run's file creation (above)."""
    aside.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            path.rename(aside / f"{len(list(aside.iterdir()))}-{path.name}")


def _from_nothing(project: Path, site: Path, aside: Path) -> None:
    """No generated pages, no site, no build state, nothing carried."""
    set_aside([project / "docs" / "_generated", site, project / ".cache", Path(os.environ[CACHE_ENV])], aside)


def clean_generate(project: Path, site: Path, aside: Path) -> float:
    """`kb generate` from nothing."""
    _from_nothing(project, site, aside)
    return run([sys.executable, "-m", "kb", "generate", "--root", str(project)])[0]


def clean_build(project: Path, site: Path, aside: Path) -> tuple[float, float]:
    """`kb build` from nothing."""
    _from_nothing(project, site, aside)
    return run([sys.executable, "-m", "kb", "build", "--root", str(project), "--site-dir", str(site)])


def bench_size(source: Path, n: int, work: Path, browser_timing: bool = True, repeat: int = 2) -> dict:
    """Every figure for one N. The generator is run ``repeat`` times, then the full build and the floors
    ``repeat`` times each, alternately, and the shortest time of each is kept: on a shared machine,
    the run least disturbed."""
    with mock.patch.dict(os.environ, {CACHE_ENV: str(work / "carried")}):  # what kb carries (kb.memo)
        return _bench_size(source, n, work, browser_timing, repeat)


def _bench_size(source: Path, n: int, work: Path, browser_timing: bool, repeat: int) -> dict:
    project = make_collection(source, work / "project", n)
    kb = [sys.executable, "-m", "kb"]
    site, aside = work / "site", work / "set-aside"
    generate_s = min(clean_generate(project, site, aside) for _ in range(repeat))
    builds, floors_one_after_the_other, floors_at_once, peak = [], [], [], 0.0
    for attempt in range(repeat):
        seconds, rss = clean_build(project, site, aside)
        builds.append(seconds)
        peak = max(peak, rss)
        one_after_the_other, at_once = floor_times(project, work / f"floor-{attempt}")
        floors_one_after_the_other.append(one_after_the_other)
        floors_at_once.append(at_once)
    edit_one_entry(project)
    rebuild_one_s, _ = run([*kb, "build", "--root", str(project), "--site-dir", str(site)])
    rebuild_floor_s = min(rebuild_floor(work) for _ in range(2))
    timings = search_timing(site) if browser_timing else dict.fromkeys(TIMINGS)
    return {
        "generate_s": round(generate_s, 2),
        "build_s": round(min(builds), 2),
        "floor_s": round(min(floors_one_after_the_other), 2),
        "floor_at_once_s": round(min(floors_at_once), 2),
        "peak_rss_mb": round(peak, 1),
        "site_bytes": folder_bytes(site),
        "search_index_bytes": search_bytes(site),
        "search_head_bytes": search_bytes(site, every_page=True),
        **timings,
        "rebuild_one_s": round(rebuild_one_s, 2),
        "rebuild_floor_s": round(rebuild_floor_s, 2),
        "serve_edit_s": round(serve_timing(project, work), 2),
    }


def bench(source: Path, sizes: list[int]) -> dict:
    """Every N in its own folder of one temporary folder, deleted only at the end (above)."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        return {str(n): bench_size(source, n, Path(tmp) / str(n)) for n in sizes}


def environment() -> dict:
    return {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: version(name) for name in ("mkdocs", "mkdocs-material", "jieba", "pymdown-extensions")},
    }


def rows(results: dict) -> list[dict]:
    """Each N with its ratios to the floor and its growth from the previous N."""
    out, previous = [], None
    for n, r in results.items():
        row = {"n": int(n), **r, "build_vs_floor": round(r["build_s"] / r["floor_s"], 2),
               "generate_vs_build": round(r["generate_s"] / r["build_s"], 2),
               "rebuild_vs_build": round(r["rebuild_one_s"] / r["build_s"], 2)}
        if r.get("floor_at_once_s"):
            row["build_vs_floor_at_once"] = round(r["build_s"] / r["floor_at_once_s"], 2)
        if r.get("rebuild_floor_s"):
            row["rebuild_vs_floor"] = round(r["rebuild_one_s"] / r["rebuild_floor_s"], 2)
        if r.get("search_floor_ms") and r.get("index_load_ms") is not None:
            row["search_vs_floor"] = round((r["index_load_ms"] + r["first_query_ms"]) / r["search_floor_ms"], 2)
        if previous:
            row["build_growth"] = round(r["build_s"] / previous["build_s"], 2)
            row["floor_growth"] = round(r["floor_s"] / previous["floor_s"], 2)
        out.append(row)
        previous = r
    return out


def table(results: dict, lang: str = "en") -> str:
    head = {"en": ["N", "generate s", "build s", "floor s", "build / floor", "floor at once s",
                   "build / floor at once", "generate / build", "build growth", "peak MB", "site MB",
                   "index MB", "index load ms", "first query ms", "query ms", "search floor ms",
                   "load + first query / search floor", "rebuild one s", "rebuild floor s",
                   "rebuild one / rebuild floor", "serve edit s"],
            "zh": ["N", "生成 s", "构建 s", "基线 s", "构建/基线", "并行基线 s", "构建/并行基线", "生成/构建",
                   "构建增长", "峰值内存 MB", "站点 MB", "索引 MB", "索引加载 ms", "首次查询 ms", "查询 ms",
                   "搜索基线 ms", "加载与首次查询/搜索基线", "改一篇后重建 s", "重建基线 s", "重建/重建基线",
                   "预览更新 s"]}[lang]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for row in rows(results):
        cells = [f"{row['n']:,}", row["generate_s"], row["build_s"], row["floor_s"], f"{row['build_vs_floor']}×",
                 row.get("floor_at_once_s", "–"),
                 f"{row['build_vs_floor_at_once']}×" if "build_vs_floor_at_once" in row else "–",
                 f"{row['generate_vs_build']}×", f"{row['build_growth']}×" if "build_growth" in row else "–",
                 row["peak_rss_mb"], round(row["site_bytes"] / 1e6, 1), round(row["search_index_bytes"] / 1e6, 2),
                 *(row.get(key) if row.get(key) is not None else "–" for key in TIMINGS),
                 f"{row['search_vs_floor']}×" if "search_vs_floor" in row else "–", row["rebuild_one_s"],
                 row.get("rebuild_floor_s", "–"),
                 f"{row['rebuild_vs_floor']}×" if "rebuild_vs_floor" in row else "–",
                 row.get("serve_edit_s", "–")]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


PAGE = {
    "zh": ("基准测试", "由 `kb bench --write` 生成（{date}，{machine}，Python {python}，{versions}）。"
           "每个 N 都在同一次运行中测量基线：同样的 Markdown，用不带插件、只有一页导航的 MkDocs 构建两种语言，"
           "一种接一种；并行基线是同样的两个构建同时运行——在双核机器上，`kb build` 的完整构建也同时构建两种语言。"
           "生成（从零开始）先运行两次，然后完整构建和两种基线各交替运行两次，各取较短的一次。"
           "所有 N 测完之前不删除任何文件：本机的 ext4 没有日志，刚删除数千个文件后，新建一个文件要慢二十多倍。"
           "峰值内存是其中最大的单个进程的；完整构建同时运行两个进程。"
           "搜索基线：同一个搜索 worker 在同一浏览器的新页面中以空索引启动到就绪的时间。"
           "搜索各项均为五次的中位数，每次都在新页面加载完毕（页面自己的搜索 worker 空闲）之后测量。"
           "重建基线：任何一次改动后的重建在做自己的工作之前都要付出的时间——"
           "新进程导入 jieba（改动的中文段落要切词；词典只读入该段落用到的部分），"
           "并用 MkDocs 和 Material 为每种语言构建只有一页的站点。"
           "目标：N = 1,000 时完整构建不超过基线的 1.5 倍、生成不超过构建的 10%；N = 10,000 不超过 N = 1,000 的 11 倍；"
           "查询在 50 ms 以内；改动一篇后重建在 1 s 以内，`kb serve` 在 3 s 以内显示改动。"),
    "en": ("Benchmarks", "Written by `kb bench --write` ({date}; {machine}; Python {python}; {versions}). "
           "Every N has its floor measured in the same run: the same Markdown, both languages, built by "
           "MkDocs with no plugins and a one-page nav, one language after the other; the floor at once is "
           "the same two builds run together, as `kb build` runs a full build on a machine with two cores. "
           "The generator, from nothing, is run twice, then the full build and both floors twice each, "
           "alternately; the shorter time of each is kept. Nothing is deleted until every N is measured: "
           "on this machine's ext4, which has no journal, creating a file soon after thousands were deleted "
           "took over twenty times as long. Peak memory is that of the largest single "
           "process (a full build runs two at once). "
           "The search floor is the same search worker started in a fresh page of the same browser "
           "and ready with an empty index; the search figures are medians of five runs, each in a fresh "
           "page once it has loaded (its own search worker "
           "idle). The rebuild floor is "
           "what any rebuild after an edit pays before its own work: a new process that imports jieba (an "
           "edited Chinese paragraph must be cut; its dictionary is read only where the paragraph needs it) "
           "and builds a one-page site with MkDocs and Material in each language. "
           "Targets: at N = 1,000 the full build within "
           "1.5× the floor and the generator within 10 % of the build; N = 10,000 within 11× N = 1,000; a "
           "query under 50 ms; a rebuild after editing one entry under 1 s, and `kb serve` showing the edit "
           "within 3 s."),
}


def write_pages(root: Path, results: dict, env: dict) -> None:
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
    for lang, (title, intro) in PAGE.items():
        text = (f"---\ntitle: {title}\n---\n\n# {title}\n\n"
                + intro.format(date=env["date"], machine=env["machine"], python=env["python"], versions=versions)
                + "\n\n" + table(results, lang) + "\n")
        (root / "docs" / lang / "benchmarks.md").write_text(text, encoding="utf-8")


def main(root: Path, sizes: list[int], as_json: bool, write: bool) -> int:
    results = bench(root, sizes)
    env = environment()
    if write:
        write_pages(root, results, env)
    if as_json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
    return 0
