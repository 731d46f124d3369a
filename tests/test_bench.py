"""`kb bench`: its figures are ratios within one run, printed as one table."""

from __future__ import annotations

from kb.cli import main
from kb.tools.bench import HEAD, rows, table

RESULTS = {
    "1000": {"generate_s": 1.0, "build_s": 10.0, "floor_s": 8.0, "serve_edit_s": 0.8, "index_load_ms": 20.0,
             "first_query_ms": 30.0, "query_ms": 10.0, "search_floor_ms": 9.0},
    "10000": {"generate_s": 11.0, "build_s": 110.0, "floor_s": 80.0, "serve_edit_s": 2.0, "index_load_ms": 40.0,
              "first_query_ms": 60.0, "query_ms": 20.0, "search_floor_ms": 9.0},
}


def test_the_ratios_are_build_to_floor_generator_to_build_and_per_entry_growth():
    first, second = rows(RESULTS)
    assert first["build_vs_floor"] == 1.25 and first["generate_share"] == 0.1
    assert "per_entry_growth" not in first
    assert second["per_entry_growth"] == 1.1  # (110 / 10,000) / (10 / 1,000)


def test_the_table_has_a_row_per_size_and_a_column_per_figure():
    lines = table(RESULTS).splitlines()
    assert len(lines) == 2 + len(RESULTS)
    assert all(line.count("|") == len(HEAD) + 1 for line in lines)
    assert "1.25×" in lines[2] and "10%" in lines[2] and "1.1×" in lines[3]


def test_sizes_that_are_not_numbers_are_a_usage_error(capsys):
    assert main(["bench", "--sizes", "1000,many"]) == 2
    assert "--sizes must be numbers" in capsys.readouterr().err
