"""The benchmark's machinery on small collections; no test asserts a timing."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from kb import bench_scale
from kb.bench_scale import bench_size, rows, table
from kb.cli import main
from kb.load import load
from kb.synthetic import make_collection
from kb.validate import check

from support.site import ROOT


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_synthetic_collection_is_valid_bilingual_and_shaped_like_the_real_one(tmp_path):
    project = make_collection(ROOT, tmp_path / "p", 60)
    loaded = load(project)
    assert check(loaded) == []
    answers = loaded.collection.answers
    assert len(answers) == 60
    assert len(loaded.collection.questions) >= 2
    assert all(2 <= len(a.themes) <= 5 for a in answers)
    assert all(len(a.translation.paragraphs) == len(a.paragraphs) for a in answers)
    kinds = Counter(a.author.kind for a in answers)
    assert kinds["named"] > kinds["unsigned"] > 0
    per_author = Counter(a.author.id for a in answers if a.author.kind == "named")
    assert max(per_author.values()) > 1  # a long tail: some authors sign several entries
    real_paragraphs = {p for a in load(ROOT).collection.answers for p in a.paragraphs}
    drawn = [p for a in answers for p in a.paragraphs]
    assert all(re.sub(r"（a\d{5}·\d+）$", "", p) in real_paragraphs for p in drawn)  # real text, real lengths
    assert len(set(drawn)) == len(drawn)  # each marked with its place: no text repeats


def test_the_same_size_and_seed_give_the_same_collection(tmp_path):
    one = make_collection(ROOT, tmp_path / "one", 20)
    two = make_collection(ROOT, tmp_path / "two", 20)
    assert _tree(one / "answers") == _tree(two / "answers")


def test_bench_reports_every_figure_for_a_size(tmp_path, monkeypatch):
    commands, timed = [], bench_scale.run

    def noted(command, *args, **options):
        commands.append(command)
        return timed(command, *args, **options)

    monkeypatch.setattr(bench_scale, "run", noted)
    result = bench_size(ROOT, 12, tmp_path, browser_timing=False)  # timed in the browser tests
    assert sum(command[3:4] == ["generate"] for command in commands) == 2  # the shorter of two is kept
    for key in ("generate_s", "build_s", "floor_s", "floor_at_once_s", "peak_rss_mb", "site_bytes",
                "search_index_bytes", "search_head_bytes", "index_load_ms", "first_query_ms", "query_ms",
                "search_floor_ms", "rebuild_one_s", "rebuild_floor_s", "serve_edit_s"):
        assert key in result
    assert result["build_s"] > 0 and result["floor_s"] > 0 and result["floor_at_once_s"] > 0
    assert result["site_bytes"] > result["search_index_bytes"] > 0
    assert result["search_index_bytes"] > result["search_head_bytes"] > 0
    assert result["peak_rss_mb"] > 0 and result["rebuild_floor_s"] > 0
    assert result["serve_edit_s"] > 0  # the server reloaded with the edit in the page (checked inside)
    # Nothing a run started without was deleted: deleting slows the next run's file creation (kb.bench_scale)
    aside = sorted(path.name.split("-", 1)[1] for path in (tmp_path / "set-aside").iterdir())
    assert aside.count("_generated") == 3 and aside.count("site") == 1  # two generators, two builds
    floor_sites = sorted(path.name for attempt in ("floor-0", "floor-1")
                         for path in (tmp_path / attempt).glob("floor-site-*"))
    assert len(floor_sites) == 8 and len(set(floor_sites)) == 4  # both ways, both languages, each its own


def test_figures_are_reported_as_ratios_to_the_floor_and_growth_between_sizes():
    results = {"100": {"generate_s": 1.0, "build_s": 4.0, "floor_s": 2.0, "peak_rss_mb": 1, "site_bytes": 1,
                       "search_index_bytes": 1, "index_load_ms": 1, "query_ms": 1, "rebuild_one_s": 1.0,
                       "rebuild_floor_s": 0.5, "floor_at_once_s": 1.6},
               "1000": {"generate_s": 5.0, "build_s": 30.0, "floor_s": 20.0, "peak_rss_mb": 1, "site_bytes": 1,
                        "search_index_bytes": 1, "index_load_ms": None, "query_ms": None, "rebuild_one_s": 2.0}}
    results["100"].update(first_query_ms=3, search_floor_ms=2)
    first, second = rows(results)
    assert (first["build_vs_floor"], first["generate_vs_build"], first["search_vs_floor"]) == (2.0, 0.25, 2.0)
    assert (first["rebuild_vs_floor"], first["rebuild_vs_build"], first["build_vs_floor_at_once"]) == (2.0, 0.25, 2.5)
    assert "build_vs_floor_at_once" not in second  # a result from before the floor at once was measured
    assert "search_vs_floor" not in second  # not timed in a browser
    assert "rebuild_vs_floor" not in second  # a result from before the rebuild floor was measured
    assert (second["build_vs_floor"], second["build_growth"], second["floor_growth"]) == (1.5, 7.5, 10.0)
    assert "| 1,000 | 5.0 | 30.0 | 20.0 | 1.5× | – | – | 0.17× | 7.5× |" in table(results)
    assert "| 100 | 1.0 | 4.0 | 2.0 | 2.0× | 1.6 | 2.5× | 0.25× |" in table(results)
    assert "| 1.0 | 0.5 | 2.0× |" in table(results)


def test_bench_refuses_sizes_that_are_not_numbers(capsys):
    assert main(["bench", "--sizes", "100,lots"]) == 2
    assert "--sizes must be numbers" in capsys.readouterr().err


def test_no_size_is_deleted_until_every_size_is_measured(monkeypatch):
    folders = []

    def measured(source, n, work):
        work.mkdir(parents=True)
        (work / "page.md").write_text(str(n), encoding="utf-8")
        folders.append(work)
        assert all((folder / "page.md").exists() for folder in folders)  # the earlier sizes' files remain
        return {"n": n}

    monkeypatch.setattr(bench_scale, "bench_size", measured)
    assert bench_scale.bench(ROOT, [1, 2]) == {"1": {"n": 1}, "2": {"n": 2}}
    assert len(folders) == 2 and not any(folder.exists() for folder in folders)  # all deleted at the end
