"""The build as a whole: same sources, same bytes; only changed files written; a failed build publishes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from kb.pipeline import build, generate

from support.site import ROOT, real_project


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _kb_build(project: Path, site: Path, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "kb", "build", "--root", str(project), "--site-dir", str(site)],
                   check=True, env=env, stdout=subprocess.DEVNULL)


def test_two_independent_builds_of_the_same_sources_are_byte_identical(tmp_path):
    """Two processes, each with its own copy of the sources, temporary folder and hash seed."""
    outputs = []
    for run in ("first", "second"):
        project = real_project(tmp_path / run)
        env = {**os.environ, "TMPDIR": str(tmp_path / run), "PYTHONHASHSEED": str(len(run))}
        _kb_build(project, tmp_path / run / "site", env)
        outputs.append((_files(project / "build" / "docs"), _files(tmp_path / run / "site")))
    (docs_a, site_a), (docs_b, site_b) = outputs
    assert docs_a and site_a
    assert sorted(docs_a) == sorted(docs_b)
    assert [rel for rel in docs_a if docs_a[rel] != docs_b[rel]] == []
    assert sorted(site_a) == sorted(site_b)
    assert [rel for rel in site_a if site_a[rel] != site_b[rel]] == []


def test_generating_again_from_the_same_sources_writes_nothing(tmp_path):
    project = real_project(tmp_path)
    first = generate(project)
    assert first.report.written
    again = generate(project)
    assert again.report.written == () and again.report.removed == ()
    assert again.report.unchanged == len(first.report.written)


def test_nothing_the_build_does_writes_to_the_sources(tmp_path):
    project = real_project(tmp_path)
    before = {folder: _files(project / folder) for folder in ("answers", "glossary", "docs")}
    build(project, tmp_path / "site")
    assert {folder: _files(project / folder) for folder in before} == before


def test_a_failed_build_leaves_the_published_site_as_it_was(tmp_path):
    project = real_project(tmp_path)
    site = tmp_path / "site"
    build(project, site)
    published = _files(site)
    # A page that breaks the English build (strict: a link to a page that does not exist).
    (project / "docs/en/broken.md").write_text("# Broken\n\n[nowhere](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(Abort):  # MkDocs aborts in strict mode
        build(project, site)
    assert _files(site) == published
    assert not list(tmp_path.glob(".site-*"))  # the failed build's folder is gone


def test_the_built_site_is_what_the_renderer_makes_of_the_staged_folder(tmp_path):
    """After `kb generate`, plain `mkdocs build` renders the staging folder to the same pages as
    `kb build` (before its post-build pass: its policy and its worker aside): no hook, no plugin of ours."""
    project = real_project(tmp_path)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    build(project, tmp_path / "kb-site")
    plain = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(plain)],
                   check=True)
    page = "answers/naiyan-wang.html"
    ours, theirs = (tmp_path / "kb-site" / page).read_text("utf-8"), (plain / page).read_text("utf-8")
    ours = re.sub(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">', "", ours, count=1)
    assert ours.replace("workers/kb-search.js", "") == _without_material_worker(theirs)


def _without_material_worker(html: str) -> str:
    import re

    return re.sub(r"workers/search\.[0-9a-f]+\.min\.js", "", html)
