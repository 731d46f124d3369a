"""Han text cut into words for the search index, the words joined by U+200B (zero-width space).

Material's search plugin cut every title and text this way (with jieba): each run of Han script is
cut into words, and a U+200B goes between two words and wherever Han meets other script, so that
the index's ``separator`` (which holds U+200B) splits the words apart. Here the cut is
:class:`kb.derive.segment.Segmenter` (rjieba, taught the collection's words), which cuts as jieba
does. ``segment("用CNN做detection", s)`` -> ``"用\\u200bCNN\\u200b做\\u200bdetection"``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from kb.derive.segment import Segmenter

ZWSP = "\u200b"
# Han script as Material's plugin finds it (\p{script: Han}): radicals, 〆〇 and the ideograph blocks.
_HAN = "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_SCRIPT_CHANGE = re.compile(f"(?<=[{_HAN}])(?=[^{_HAN}{ZWSP}])|(?<=[^{_HAN}{ZWSP}])(?=[{_HAN}])")
_ZWSP_AWAY_FROM_HAN = re.compile(f"(?<![{_HAN}]){ZWSP}+(?![{_HAN}])")


def join_words(words: Iterable[str]) -> str:
    """Words back into text, with U+200B between two Han words and wherever Han meets other script."""
    joined = _ZWSP_AWAY_FROM_HAN.sub("", ZWSP.join(words))
    return _SCRIPT_CHANGE.sub(ZWSP, joined).strip(ZWSP)


def segment(text: str, segmenter: Segmenter) -> str:
    """Cut each Han run of ``text`` into words joined by U+200B (what the plugin did to every title
    and text; tags and other script are left as they are).

    The runs are cut in one call, joined by newlines: jieba cuts each stretch of Han on its own, so
    that is the cut of each run alone, without a call per run (a page has hundreds)."""
    runs = _HAN_RUN.findall(text)
    if not runs:
        return text
    starts, at = [], 0  # where each run starts in the joined text
    for found in runs:
        starts.append(at)
        at += len(found) + 1
    words: list[list[str]] = [[] for _ in runs]
    for word, start, _ in segmenter.tokens("\n".join(runs)):
        if word != "\n":
            words[bisect_right(starts, start) - 1].append(word)
    cut = iter(words)
    return _HAN_RUN.sub(lambda _: ZWSP + ZWSP.join(next(cut)) + ZWSP, text).strip(ZWSP)
