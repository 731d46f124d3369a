"""The search index's postings, cut at build time by the rules the search worker applies to queries.

The worker (docs/overrides/assets/javascripts/workers/kb-search.js) would otherwise cut every entry
of the index when a page opens it: about a second at N = 1,000, on every page load. The build does
that once and writes, per token, the entries that hold it. The rules are the worker's `tokenize`,
in Python:

- tags stripped and five entities decoded, in the worker's order;
- NFKC, lower case, curly apostrophes made straight, traditional characters made simplified; then,
  in text that is not ASCII, diacritics folded: NFKD, combining marks (Mn) dropped, NFC (Gödel ->
  godel, naïve -> naive);
- split at the index's ``separator`` (a JavaScript pattern: ``\\s`` is given JavaScript's meaning);
- a part with a Han character is one token; any other part is split at every run of characters that
  are not letters, digits, ``'``, ``+`` or ``#``;
- apostrophes trimmed; a token of ASCII letters (and apostrophes) stemmed by Snowball's English
  stemmer (snowballstemmer; the worker holds the same algorithm, kb.search.stemmer_js), any other
  non-Han token has its possessive and plural trimmed.

A browser test cuts the real site's index with the worker's own code and finds these postings.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

import snowballstemmer

# Unicode's Script=Han, as \p{Script=Han} matches it in the Chromium the tests drive.
_HAN_RANGES = ((0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x3005, 0x3005), (0x3007, 0x3007),
               (0x3021, 0x3029), (0x3038, 0x303B), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFA6D),
               (0xFA70, 0xFAD9), (0x16FE2, 0x16FE3), (0x16FF0, 0x16FF6), (0x20000, 0x2A6DF),
               (0x2A700, 0x2B81D), (0x2B820, 0x2CEAD), (0x2CEB0, 0x2EBE0), (0x2EBF0, 0x2EE5D),
               (0x2F800, 0x2FA1D), (0x30000, 0x3134A), (0x31350, 0x33479))
HAN = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _HAN_RANGES) + "]")
# Python's \w is exactly \p{L} and \p{N} plus the underscore (a test checks every code point).
_NOT_WORD = re.compile(r"(?:[^\w'+#]|_)+")
# JavaScript's \s: Python's also takes U+001C to U+001F and U+0085, and leaves out U+FEFF.
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TAG = re.compile(r"<[^>]*>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&"))


def js_separator(pattern: str) -> re.Pattern[str]:
    """The index's ``separator``, a JavaScript pattern, compiled with JavaScript's ``\\s``."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escape = pattern[i:i + 2]
            out.append(_JS_SPACE if escape == r"\s" and in_class else f"[{_JS_SPACE}]" if escape == r"\s" else escape)
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return re.compile("".join(out))


def _strip_tags(html: str) -> str:
    text = _TAG.sub(" ", html)
    if "&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    return text


_LATIN = re.compile(r"[a-z']+")
_ENGLISH = snowballstemmer.stemmer("english")


def _char_class(codes: list[int]) -> str:
    """A regular expression class of ``codes`` (ascending), written as ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in runs) + "]"


# Combining marks (Mn), dropped after NFKD: the worker's \p{Mn}. Python's re searches a class of
# the Basic Multilingual Plane as a bitmap, one that reaches past it range by range (200 times
# slower on a page of Chinese), so the marks beyond it are looked for only in a text that has
# characters there.
_MN = [c for c in range(0x110000) if unicodedata.category(chr(c)) == "Mn"]
_MARKS_BMP = re.compile(_char_class([c for c in _MN if c < 0x10000]))
_MARKS_ASTRAL = re.compile(_char_class([c for c in _MN if c >= 0x10000]))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_MARKS = re.compile(_MARKS_BMP.pattern + "|" + _MARKS_ASTRAL.pattern)
FIELDS = 4  # title, text, metadata, the paired page in the other language


def fold(text: str) -> str:
    """Diacritics dropped: NFKD, combining marks removed, NFC (as the worker's ``fold``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not _MARKS_BMP.search(decomposed) and not (_ASTRAL.search(decomposed) and _MARKS_ASTRAL.search(decomposed)):
        return text
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A token as the index holds it: English words by Snowball, other non-Han words lightly."""
    if _LATIN.fullmatch(word):
        return _ENGLISH.stemWord(word) or word
    return _light_stem(word)


def _light_stem(word: str) -> str:
    if word[-1] not in "sS" or HAN.search(word):
        return word
    if word.endswith("'s"):
        word = word[:-2]
    # JavaScript counts UTF-16 code units.
    length = len(word) if word.isascii() else len(word.encode("utf-16-le")) // 2
    if length > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if length > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


class Cutter:
    """The worker's `tokenize` for one index: its separator and its traditional-to-simplified table."""

    def __init__(self, separator: str, t2s: Mapping[str, str]) -> None:
        self.separator = js_separator(separator)
        self.table = {ord(k): v for k, v in t2s.items() if len(k) == 1}
        chars = "".join(re.escape(chr(k)) for k in sorted(self.table))
        self.traditional = re.compile(f"[{chars}]") if chars else None

    def normalize(self, text: str) -> str:
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = text.lower()
        if not text.isascii():
            text = text.replace("’", "'").replace("‘", "'")
            if self.traditional and self.traditional.search(text):
                text = text.translate(self.table)
            text = fold(text)
        return text

    def tokens(self, html: str) -> list[str]:
        found = []
        for part in self.separator.split(self.normalize(_strip_tags(html))):
            if not part:
                continue
            if part.isascii():
                if part.isalnum():  # the common case in English: one plain word
                    found.append(stem(part))
                    continue
            elif HAN.search(part):  # one token, never stemmed
                part = part.strip("'")
                if part:
                    found.append(part)
                continue
            for token in _NOT_WORD.split(part):
                token = token.strip("'")
                if token:
                    found.append(stem(token))
        return found

    def counts(self, html: str) -> Counter[str]:
        """Each token of ``html`` and how often it occurs."""
        return Counter(self.tokens(html))


def field_texts(doc: Mapping) -> tuple[str, str, str, str]:
    """An entry's title, text, metadata and other-language text, the fields as they are cut."""
    return doc.get("title") or "", doc.get("text") or "", doc.get("meta") or "", doc.get("other") or ""


def encode(gaps: Sequence[int]) -> str:
    """A token's postings as JSON (as ``json.dumps`` writes a list of integers, without spaces)."""
    return "[" + ",".join(map(str, gaps)) + "]"


def postings(docs: Sequence[Mapping], separator: str, t2s: Mapping[str, str]) -> dict[str, str]:
    """Token -> its postings as JSON (``encode``), for the index's ``docs``, tokens in code point order.

    A token's postings are ``[gap, code, gap, code, ...]``, a pair per field of an entry holding it:
    ``gap`` is the entry's number minus that of the pair before (entries ascend; a first pair's gap is
    the number itself), ``code`` is four times the count plus the field (0 the title, 1 the text,
    2 the entry's ``meta``, 3 ``other``: the text of the paired page in the other language), in
    that order. Gaps keep the numbers short: half the size of plain (entry, field,
    count) triples. This is what the worker's own cut (its ``cut``) gives."""
    cutter = Cutter(separator, t2s)
    found: dict[str, list[int]] = {}
    last: dict[str, int] = {}
    for position, doc in enumerate(docs):
        for field, text in enumerate(field_texts(doc)):
            for token, count in cutter.counts(text).items():
                gaps = found.get(token)
                if gaps is None:
                    found[token] = gaps = []
                gaps += (position - last.get(token, 0), count * FIELDS + field)
                last[token] = position
    return {token: encode(found[token]) for token in sorted(found)}
