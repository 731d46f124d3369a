"""The project's Markdown configuration handles Chinese text (see ../shared/notes/material-notes.md)."""

from __future__ import annotations

import markdown
import pytest
from mkdocs.config import load_config

from support.site import ROOT


@pytest.fixture(scope="module")
def render():
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    return lambda text: md.reset().convert(text)


@pytest.mark.parametrize("source, strong", [
    ("这是**加粗**后", "加粗"),
    ("**“引号”**后", "“引号”"),
    ("**（括号）**后", "（括号）"),
    ("前面，**作者**：后面", "作者"),
])
def test_emphasis_next_to_chinese_punctuation_renders(render, source, strong):
    assert f"<strong>{strong}</strong>" in render(source)


def test_chinese_headings_get_readable_anchors(render):
    html = render("## 问题描述\n\n## Deep Learning 的专家")
    assert 'id="问题描述"' in html
    assert 'id="deep-learning-的专家"' in html


def test_betterem_is_not_enabled():
    # pymdownx.betterem fails to bold `**“引号”**后`; the notes say to keep it out.
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    assert "pymdownx.betterem" not in config.markdown_extensions


def test_the_theme_loads_no_web_fonts():
    for name in ("mkdocs.yml", "mkdocs.en.yml"):
        config = load_config(config_file=str(ROOT / name))
        assert config.theme["font"] is False



@pytest.mark.parametrize("name", ["mkdocs.yml", "mkdocs.en.yml"])
def test_the_search_plugin_is_given_materials_own_defaults_and_looks_none_up(name, monkeypatch):
    # mkdocs.yml spells out the search language and pipeline that Material would look up in its
    # language template (compiling the template anew for each): the same values, without the lookups.
    import re

    from material.plugins.search.plugin import SearchPlugin

    looked_up: list[str] = []
    translate = SearchPlugin._translate
    monkeypatch.setattr(SearchPlugin, "_translate",
                        lambda self, config, key: looked_up.append(key) or translate(self, config, key))
    config = load_config(config_file=str(ROOT / name))
    config.plugins.on_config(config)
    assert looked_up == []
    search = config.plugins["material/search"]
    assert search.config.lang == [translate(search, config, "search.config.lang")]
    assert search.config.pipeline == [step for step in re.split(r"\s*,\s*", translate(
        search, config, "search.config.pipeline")) if step]
