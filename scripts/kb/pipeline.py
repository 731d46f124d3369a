"""The whole build, in the order it happens: load, check, derive, render, write, site.

    kb build  =  generate(root)            answers/ + glossary/  ->  build/docs/<lang>/*.md
              +  render each language      build/docs/<lang>/    ->  a fresh site folder (MkDocs)
              +  finish the site           our search index; pages pointed at our worker
              +  publish                   the fresh folder replaces site/

Every step between loading and writing is a pure function of what the step before returned; only
:func:`generate` writes Markdown, only the site stage writes HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb.content.load import load
from kb.content.model import LANGS
from kb.content.problems import ContentError, Problem, errors
from kb.content.validate import check
from kb.derive.indexes import collection_words, derive
from kb.derive.segment import Segmenter
from kb.render.pages import render_site
from kb.site import postbuild, publish
from kb.site.mkdocs import SUBDIR, remove_pages_without_source, render_language
from kb.site.stage import STAGING, staged
from kb.write import WriteReport, sync_folder


@dataclass(frozen=True)
class Generated:
    """What :func:`generate` did: the files it wrote, the warnings the collection has, and the
    segmenter it cut the texts with (the search index cuts with the same one)."""

    report: WriteReport
    warnings: tuple[Problem, ...]
    segmenter: Segmenter
    boosts: dict[str, dict[str, float]]  # lang -> page URL -> its search boost (aggregate pages)


def generate(root: Path) -> Generated:
    """Load and check the collection at ``root``, derive its indexes, render both languages' pages
    and write the staging docs folders. Raises :class:`ContentError` (nothing written) on errors."""
    loaded = load(root)
    problems = check(loaded)
    if errors(problems):
        raise ContentError(problems)
    segmenter = Segmenter(collection_words(loaded.collection))
    ix = derive(loaded.collection, segmenter)
    pages = {lang: render_site(ix, lang) for lang in LANGS}
    folders = {lang: staged(root, lang, pages[lang]) for lang in LANGS}
    report = WriteReport((), 0, ())
    for lang, files in folders.items():
        written = sync_folder(root / STAGING / lang, files)
        report += WriteReport(tuple(f"{lang}/{p}" for p in written.written), written.unchanged,
                              tuple(f"{lang}/{p}" for p in written.removed))
    boosts = {lang: {page.url: page.search_boost for page in pages[lang] if page.search_boost is not None}
              for lang in LANGS}
    return Generated(report, tuple(problems), segmenter, boosts)


def render(root: Path, site_dir: Path, generated: Generated, *, strict: bool = True, dirty: bool = False,
           renderer: str = "mkdocs") -> dict[str, int]:
    """Render both languages into ``site_dir`` (Chinese first: its full build empties the folder) and
    finish it; returns the search entries per language. ``dirty`` (`kb serve`) renders only the pages
    whose staged files changed, and removes those whose staged files are gone."""
    done = postbuild.page_times(site_dir) if dirty else {}  # the pages finished already
    for lang in LANGS:
        render_language(root, lang, site_dir / SUBDIR[lang], strict=strict, dirty=dirty, renderer=renderer)
    if dirty:  # before the search index is made from what is there
        remove_pages_without_source(root, site_dir)
    return postbuild.finish(site_dir, generated.segmenter, generated.boosts, done)


def build(root: Path, site_dir: Path, *, strict: bool = True,
          renderer: str = "mkdocs") -> tuple[Generated, dict[str, int]]:
    """`kb build`: generate, render into a fresh folder, publish it as ``site_dir``."""
    generated = generate(root)
    with publish.fresh_folder(site_dir) as fresh:
        entries = render(root, fresh, generated, strict=strict, renderer=renderer)
    return generated, entries
