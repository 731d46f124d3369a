"""MkDocs hooks (``hooks:`` in mkdocs.yml): regenerate pages, add them to the build, index them for
search, render the nav once per folder, build ``en/`` under `mkdocs serve`.

Generated pages live in ``docs/_generated/<lang>/``, outside each language's ``docs_dir``, so they
never mix with hand-written pages; :func:`on_files` adds them to MkDocs' file list.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jieba
import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from kb import incremental, search_index, search_text, site
from kb.pipeline import GENERATED_DIR, derived, generate, load_checked
from kb.problems import ContentError
from kb.search_text import PageText

jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not news


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _lang(config: MkDocsConfig) -> str:
    return str(config.theme["language"])


@dataclass
class _Build:
    """What one language's build needs to remember between events (a dirty build merges its index)."""

    dirty: bool = False
    previous_docs: list[dict] = field(default_factory=list)
    page_order: list[str] = field(default_factory=list)
    rebuilt: set[str] = field(default_factory=set)
    texts: dict[str, PageText] = field(default_factory=dict)  # answer pages indexed from the model
    generated: set[str] = field(default_factory=set)  # generated pages, indexed by the hooks
    search_meta: dict[str, dict | None] = field(default_factory=dict)  # their own `search:` front-matter
    html: dict[str, str] = field(default_factory=dict)  # their HTML before the plugin strips data-search-*
    own_docs: list[dict] = field(default_factory=list)  # the hooks' index entries, in build order


_build = _Build()


def on_startup(command: str, dirty: bool) -> None:
    if command == "serve":
        site.serving = True
    _build.dirty = dirty and command == "build"


def _our_search(config: MkDocsConfig) -> bool:
    return bool(config.extra.get("kb_search"))


def on_pre_build(config: MkDocsConfig) -> None:
    # Writes only pages whose content changed; the generated folder is not watched, so no loop.
    try:
        generate(_root(config))
        _build.texts = {}
        if _our_search(config):
            words = search_index.add_user_words(load_checked(_root(config)).collection)
            _build.texts = search_text.answer_pages(derived(_root(config)), _lang(config), jieba.cut, words)
    except ContentError as exc:
        raise PluginError("the collection has errors:\n" + str(exc)) from None
    _build.rebuilt = set()
    _build.own_docs = []
    _build.generated, _build.search_meta, _build.html = set(), {}, {}
    _build.previous_docs = []
    if _build.dirty and _our_search(config):
        _build.previous_docs = search_index.read_docs(Path(config.site_dir))


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    if _our_search(config) and page.file.src_uri in _build.generated:
        # Material's plugin leaves generated pages to on_page_context, which indexes them for less.
        _build.search_meta[page.file.src_uri] = page.meta.get("search")
        page.meta["search"] = {"exclude": True}
    return markdown


def on_page_content(html: str, page, config: MkDocsConfig, files: Files) -> str:
    if page.file.src_uri in _build.search_meta and page.file.src_uri not in _build.texts:
        _build.html[page.file.src_uri] = html
    return html


def on_page_context(context, page, config: MkDocsConfig, nav):
    source = page.file.src_uri
    text = _build.texts.get(source)
    if text is not None:
        # Answer pages, from the model: the entries Material's plugin would make (the page, then its
        # h1 section with the text).
        _build.own_docs.append({"location": page.url, "title": text.title, "text": ""})
        if page.toc.items:
            _build.own_docs.append({"location": f"{page.url}#{page.toc.items[0].id}", "title": text.title,
                                    "text": text.text})
    elif source in _build.html:
        # Other generated pages: the plugin's indexer, given only what it would index (their lists,
        # marked data-search-exclude, grow with the collection).
        html = search_index.without_excluded(_build.html.pop(source))
        _build.own_docs.extend(search_index.index_entries(page, html, _build.search_meta[source]))
    return context


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    """Let docs/overrides/partials/{nav,tabs}.html render Material's nav and tabs once per folder.

    Every page outside the nav (the generated entry, author and theme pages: most of the site) gets
    the same nav and tabs as the other pages of its folder: nothing in them is active, and their links
    are relative to the folder. The overrides include Material's own partials
    (``material/partials/...``) through ``kb_fragment``, which keeps the first rendering for each
    key, for this build only.

    Compiled templates are kept in ``.cache/kb/jinja`` (Jinja's bytecode cache, which compiles a
    template again when its source changes): the second language, every rebuild while serving and the
    next `kb build` reuse them.
    """
    cache = _root(config) / incremental.STATE_DIR / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    material = jinja2.FileSystemLoader(str(resources.files("material") / "templates"))
    env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({"material": material})])
    fragments: dict[tuple, str] = {}

    def kb_fragment(*key: object, caller) -> Markup:
        if key not in fragments:
            fragments[key] = caller()
        return Markup(fragments[key])

    env.globals["kb_fragment"] = kb_fragment
    return env


def on_post_page(output: str, page, config: MkDocsConfig) -> str:
    _build.rebuilt.add(page.url)
    return search_index.use_our_worker(output) if _our_search(config) else output


def _listed(folder: Path) -> list[str]:
    """The files under ``folder``, as paths relative to it, in the order of their parts (as sorted
    Paths are; with plain strings: at N = 10,000 there are 15,000 per language)."""
    found = []
    for parent, _dirs, names in os.walk(folder):
        prefix = os.path.relpath(parent, folder).replace(os.sep, "/") + "/"
        found.extend(name if prefix == "./" else prefix + name for name in names)
    return sorted(found, key=lambda rel: rel.split("/"))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    generated = _root(config) / GENERATED_DIR / _lang(config)
    for rel in _listed(generated):  # pages and feed.xml
        if files.get_file_from_path(rel) is not None:
            raise PluginError(f"{rel} exists both in {config.docs_dir} and as a generated page; "
                              "rename the hand-written page")
        # Answer, theme and author pages are reached through index pages, not a flat nav (see README).
        files.append(File(rel, str(generated), config.site_dir, config.use_directory_urls,
                          inclusion=InclusionLevel.NOT_IN_NAV))
        _build.generated.add(rel)
    _build.page_order = [f.url for f in files.documentation_pages()]
    return files


def on_post_build(config: MkDocsConfig) -> None:
    if _our_search(config):
        def merge(docs: list[dict]) -> list[dict]:
            # The plugin's entries, ours, and in a dirty build those of the pages not rendered again.
            return incremental.merge_docs(_build.previous_docs, docs + _build.own_docs, _build.rebuilt,
                                          _build.page_order)
        search_index.extend_index(Path(config.site_dir), merge, _lang(config))
    if site.serving and _lang(config) == "zh":
        site.build_language(_root(config), "en", Path(config.site_dir) / site.SUBDIR["en"], strict=False)
