"""What the search index holds for each answer page, taken from the content model, not the HTML.

Material's search plugin parses every rendered page again and cuts its Chinese with jieba a second
time; on answer pages, the bulk of the site, that was a fifth of the build. Their text is known
before MkDocs runs: the metadata lines, the summary and the body in the page's language (with the
translator's notes on English pages): what the plugin indexed from them, less footnote markers. The
paragraphs reuse
the generator's cut (kb.derive); the short strings (names, labels, titles, the summary) are cut
by ``cut``, the tokenizer that knows the collection's own words (kb.search_index), as the plugin
cuts every other page.

The result has the plugin's form: HTML-escaped text in ``<p>`` elements, Han words separated by
U+200B (the index's separator contains it). The MkDocs hooks mark these pages ``search: exclude``
for the plugin and add the entries themselves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache

from kb._jieba import jieba
from kb.derive import Indexes
from kb.i18n import UI
from kb.load import FOOTNOTE_REF
from kb.memo import Carry
from kb.model import LANGS, Answer, oneline
from kb.render import Words

ZWSP = "\u200b"
# Han script as Material's plugin finds it (\p{script: Han}): radicals, 〆〇 and the ideograph blocks.
_HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_SCRIPT_CHANGE = re.compile(f"(?<=[{_HAN}])(?=[^{_HAN}{ZWSP}])|(?<=[^{_HAN}{ZWSP}])(?=[{_HAN}])")
_ZWSP_AWAY_FROM_HAN = re.compile(f"(?<![{_HAN}]){ZWSP}+(?![{_HAN}])")

Cut = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class PageText:
    """The title and text of one answer page in the search index. The text is kept as its UTF-8 bytes:
    carried to the next process (kb.memo), bytes are read back as they are, and a build after an edit
    needs the texts of the few pages it renders again only (at N = 1,000, 15 MB of them, a twentieth
    of what a build after an edit reads back)."""

    title: str
    encoded: bytes

    @property
    def text(self) -> str:
        return self.encoded.decode()


def _is_han(char: str) -> bool:
    return bool(_HAN_CHAR.match(char))


def join_words(words: Iterable[str]) -> str:
    """Words back into text, with U+200B between two Han words and wherever Han meets other script."""
    joined = _ZWSP_AWAY_FROM_HAN.sub("", ZWSP.join(words))
    return _SCRIPT_CHANGE.sub(ZWSP, joined).strip(ZWSP)


def segment(text: str, cut: Cut) -> str:
    """Cut each Han run of ``text`` into words (what the plugin does to every title and text)."""
    return join_words(part for piece in _pieces(text) for part in (cut(piece) if _is_han(piece[0]) else [piece]))


def _pieces(text: str) -> list[str]:
    pieces, start = [], 0
    for run in _HAN_RUN.finditer(text):
        if run.start() > start:
            pieces.append(text[start:run.start()])
        pieces.append(run[0])
        start = run.end()
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def page_text(words: Words, answer: Answer, cut: Cut, label: Callable[[str], str]) -> PageText:
    """One answer page: metadata lines, summary, body in its language and, in English, the translator's notes.

    ``label`` cuts the strings that many pages share (interface words, labels, question titles)."""
    ix, lang, t = words.ix, words.lang, words.t
    author = words.author_name(answer.author) + words.credential(answer.author)
    lines = [
        f"{label(t['author'])} {_segment_html(author, cut)}",
        f"{label(t['stance'])} {label(ix.stances[answer.stance].label[lang])}",
        f"{label(t['themes'])} {' · '.join(label(ix.themes[theme].label[lang]) for theme in answer.themes)}",
        f"{label(t['question'])} {label(ix.questions[answer.question].title[lang])} · {label(t['original'])}",
        label(t["summary"]),
        _segment_html(answer.summary[lang], cut),
    ]
    body = [_p_segmented(paragraph, tokens, lang, cut)
            for paragraph, tokens in zip(answer.body(lang), ix.tokens[(answer.id, lang)], strict=True)]
    if lang == "en":
        note = UI["en"]["translator_note"]
        body += [_p_segmented(f"{note}: {n.text}", None, lang, cut) for n in answer.translation.notes]
    text = " ".join([*(f"<p>{line}</p>" for line in lines), *body])
    return PageText(_segment_html(words.title(answer), cut), text.encode())


def _segment_html(text: str, cut: Cut) -> str:
    return html.escape(segment(oneline(text), cut), quote=False)


def _p_segmented(paragraph: str, tokens: list[tuple[str, int, int]] | None, lang: str, cut: Cut) -> str:
    """A paragraph of the body; Chinese reuses the generator's cut, English text cuts its rare Han runs."""
    if lang == "zh" and tokens is not None:
        return f"<p>{html.escape(oneline(join_words(word for word, _, _ in tokens)), quote=False)}</p>"
    return f"<p>{_segment_html(FOOTNOTE_REF.sub('', paragraph), cut)}</p>"


def _identity(cut: Cut) -> object:
    """``cut`` as a carried context: jieba's own cut by name, so that another process recognises it."""
    return "jieba.cut" if cut == jieba.cut else cut


def answer_pages(ix: Indexes, lang: str, cut: Cut, cut_words: Hashable = ()) -> dict[str, PageText]:
    """Page source path (``answers/<id>.md``) -> the title and text of the page in ``lang``.

    ``cut_words`` are the words ``cut`` was taught (jieba user words): texts computed by an earlier
    call in this process are reused only when they and the glossary are the same."""
    words = Words(lang, ix)

    @cache
    def label(text: str) -> str:
        return _segment_html(text, cut)

    carry = _PAGES[lang]
    carry.start((tuple(ix.term.values()), _identity(cut), cut_words))

    def text(answer: Answer) -> PageText:
        # Everything page_text reads: the entry, and the labels and title it shows.
        key = (answer, words.title(answer), ix.stances[answer.stance].label,
               tuple(ix.themes[theme].label for theme in answer.themes), ix.questions[answer.question].title)
        return carry.get(key, lambda: page_text(words, answer, cut, label))

    return {f"answers/{answer.id}.md": text(answer) for answer in ix.answers}


# Search texts carried between passes while serving (kb.memo); the glossary and the cut are the context.
_PAGES: dict[str, Carry[tuple, PageText]] = {lang: Carry(f"search_text.pages.{lang}") for lang in LANGS}
