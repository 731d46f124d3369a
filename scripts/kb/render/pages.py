"""Render the generated Markdown pages of both languages from the collection and its indexes.

Pure: takes data, returns :class:`Page` objects. Templates live in ``kb/render/templates``.
Every generated page sits one folder deep (``answers/<id>.md``, ``themes/index.md`` ...), so
templates link to each other as ``../<section>/<page>.md`` and MkDocs checks every link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2

from kb.content.model import oneline
from kb.content.yamldoc import quote
from kb.derive.indexes import Indexes
from kb.render.feed import FEED_PATH, atom
from kb.render.i18n import POSITION_SYMBOLS, UI
from kb.render.words import GENERATED_MARK, Words

# What Markdown reads as markup in inline text (its escapable characters); `<`, `>` and `&` become
# entities, and `://` and `@` are broken up so that magiclink makes no link of a name.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def markdown_text(text: str) -> str:
    """Front-matter text as Markdown inline text that renders as exactly that text: no link, no
    emphasis, no HTML, no attribute list, whatever it holds."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text).replace("://", "&#58;//").replace("@", "&#64;")


def environment() -> jinja2.Environment:
    """A new environment for each rendering: an edited template is read again (`kb serve`)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kb.render", "templates"),
        autoescape=False,  # the output is Markdown; attribute values go through |attr
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yaml"] = quote
    env.filters["attr"] = lambda text: jinja2.utils.markupsafe.escape(text)
    env.filters["oneline"] = oneline
    env.filters["md"] = markdown_text  # front-matter text in Markdown (names, titles, labels, summaries)
    return env


_BOOST = re.compile(rb"^search:\n(?:  .*\n)*?  boost: ([0-9.]+)$", re.M)


@dataclass(frozen=True)
class Page:
    """One generated file of one language: its path under the language's docs folder, and its bytes."""

    path: str
    data: bytes

    @property
    def url(self) -> str:
        """Where the page is in the built site (``use_directory_urls: false``)."""
        return self.path.removesuffix(".md") + ".html" if self.path.endswith(".md") else self.path

    @property
    def search_boost(self) -> float | None:
        """The ``search: boost:`` its front matter gives (templates set it on aggregate pages)."""
        found = _BOOST.search(self.data.split(b"\n---", 1)[0])
        return float(found[1]) if found else None


def render_site(ix: Indexes, lang: str) -> list[Page]:
    """All generated pages of ``lang``, in path order."""
    env = environment()
    words = Words(lang, ix)
    common = {"lang": lang, "w": words, "t": words.t, "t_en": UI["en"], "ix": ix, "mark": GENERATED_MARK,
              "symbols": POSITION_SYMBOLS}
    pages: list[Page] = []

    def page(path: str, template: str, **context: object) -> None:
        pages.append(Page(path, env.get_template(template).render(**common, **context).encode("utf-8")))

    for answer in ix.answers:
        page(f"answers/{answer.id}.md", "answer.md.j2", answer=answer, question=ix.questions[answer.question],
             stance=ix.stances[answer.stance])
    page("answers/index.md", "answers_index.md.j2")
    for theme in ix.themes.values():
        page(f"themes/{theme.id}.md", "theme.md.j2", theme=theme,
             answers=ix.answers_by_theme.get(theme.id, ()))
    page("themes/index.md", "themes_index.md.j2")
    for author in ix.authors.values():
        page(f"authors/{author.id}.md", "author.md.j2", author=author, answers=ix.answers_by_author[author.id])
    page("authors/index.md", "authors_index.md.j2")
    for question in ix.questions.values():
        page(f"questions/{question.id}.md", "question.md.j2", question=question,
             answers=ix.answers_by_question.get(question.id, ()))
    page("questions/index.md", "questions_index.md.j2")
    page("stances/index.md", "stances.md.j2")
    page("glossary/index.md", "glossary.md.j2", terms=ix.terms[lang],
         ix_terms={term.id: term for term in ix.terms[lang]})
    pages.append(Page(FEED_PATH, atom(ix, lang, words.author_name, words.title).encode("utf-8")))
    return sorted(pages, key=lambda p: p.path)
