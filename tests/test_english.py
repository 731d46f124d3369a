"""The English of the collection: American spelling throughout, and glossary quotations that really quote.

Standalone on purpose: it reads the content files with yaml and pathlib, not through the `kb` package.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared/source/000_2ea22efa9c380bb6.txt"
ANSWERS = sorted(ROOT.glob("answers/*/*.md"))
YAML_FILES = sorted(ROOT.glob("answers/*/question.yml")) + sorted(ROOT.glob("glossary/*.yml"))

# British spellings (American in brackets). "analyses" is left out: it is also the plural of "analysis".
BRITISH = re.compile(r"""\b(?:
      \w*(?:organis|realis|recognis|generalis|optimis|minimis|maximis|normalis|formalis|regularis
        |initialis|characteris|summaris|utilis|specialis|categoris|visualis|prioritis|standardis
        |criticis|emphasis|memoris)(?:e[srd]?|ing|ations?)\b        # -ise, -isation     [-ize, -ization]
    | analys(?:e|ed|ing)\b                                           # analyse            [analyze]
    | \w*(?:colour|behaviour|favour|labour|honour|neighbour|humour|rumour|flavour|harbour|vigour
        |rigour|endeavour|savour)\w*                                 # -our               [-or]
    | \w*(?:modell|travell|labell|signall|fuell|counsell|levell|marvell|channell)\w*  # [-el-]
    | centre[sd]?\b | metres?\b | fibres?\b | theatres?\b            # -re                [-er]
    | programmes?\b | (?:defence|offence|licence|pretence)s?\b       # [program, -ense]
    | (?:judgement|acknowledgement)s?\b | practis\w* | sceptic\w*    # [judgment, practic-, skeptic]
    | towards\b | amongst\b | whilst\b | learnt\b | spelt\b | grey\b | maths\b | artefacts?\b
)""", re.IGNORECASE | re.VERBOSE)
QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def _front_matter(path: Path) -> tuple[str, str]:
    _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return head, body


def _english_values(node: yaml.Node, english: bool = False) -> Iterator[yaml.ScalarNode]:
    """The scalars under an `en` or `*_en` key, never under `aliases` (spelled to catch variants)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value != "aliases":
                yield from _english_values(value, english or key.value == "en" or key.value.endswith("_en"))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _english_values(item, english)
    elif english:
        yield node


def english_lines() -> Iterator[tuple[str, int, str]]:
    """(file, line number, text) for every line of English the collection holds."""
    for path in ANSWERS:
        rel = path.relative_to(ROOT).as_posix()
        head, body = _front_matter(path)
        if path.name.endswith(".en.md"):
            first = head.count("\n") + 3
            for number, line in enumerate(body.splitlines(), first):
                yield rel, number, line
        else:
            yield from _yaml_lines(rel, head, offset=1)
    for path in YAML_FILES:
        yield from _yaml_lines(path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8"))


def _yaml_lines(rel: str, text: str, offset: int = 0) -> Iterator[tuple[str, int, str]]:
    lines = text.splitlines()
    for scalar in _english_values(yaml.compose(text)):
        start, end = scalar.start_mark.line, min(scalar.end_mark.line, len(lines) - 1)
        for number in range(start, max(start, end) + 1):
            yield rel, number + offset + 1, lines[number]


def _authors_own(line: str, match: re.Match) -> bool:
    """Whether a match lies inside a quotation of an author's own English (found in the source)."""
    source = _squash(SOURCE.read_text(encoding="utf-8"))
    return any(q.start() < match.start() < q.end() and _squash(q[1] or q[2]) in source
               for q in QUOTED.finditer(line))


def test_english_text_uses_american_spelling():
    found = [f"{rel}:{number}: {match[0]!r} is a British spelling"
             for rel, number, line in english_lines()
             for match in BRITISH.finditer(line) if not _authors_own(line, match)]
    assert not found, "\n".join(found)


# A sentence that speaks of an entry: its quotations must be the entry's words.
ATTRIBUTED_EN = re.compile(r"\bAnswers? \d|\bthe question\b|\bthe thread\b|\bthe closing comments\b"
                           r"|\bthe author\b|\bthe asker\b", re.IGNORECASE)
ATTRIBUTED_ZH = re.compile(r"回答[一二三四五六七八九十\d]|题主|文中|文末|评论|作者")


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.;!?])\s+(?=[A-Z“\"])|(?<=[。；！？])", text)


def _texts(language: str) -> str:
    """Everything the entries and the question say in one language, whitespace normalized."""
    parts = [SOURCE.read_text(encoding="utf-8")]  # the authors' own words, English included
    for path in ANSWERS:
        if path.name.endswith(".en.md") == (language == "en"):
            parts.append(_front_matter(path)[1])
    for path in ROOT.glob("answers/*/question.yml"):
        parts.extend(s.value for s in _english_values(yaml.compose(path.read_text(encoding="utf-8")))
                     if language == "en")
    joined = _squash("\n".join(parts))
    return joined if language == "en" else joined.replace(" ", "")


def test_glossary_quotes_match_the_entries():
    texts = {"en": _texts("en"), "zh": _texts("zh")}
    missing = []
    for term in yaml.safe_load((ROOT / "glossary/terms.yml").read_text(encoding="utf-8")):
        for language, attributed in (("en", ATTRIBUTED_EN), ("zh", ATTRIBUTED_ZH)):
            for sentence in _sentences(term["definition"][language]):
                if not attributed.search(sentence):
                    continue
                for quote in QUOTED.finditer(sentence):
                    phrase = _squash(quote[1] or quote[2])
                    if (phrase if language == "en" else phrase.replace(" ", "")) not in texts[language]:
                        missing.append(f"glossary/terms.yml: {term['id']}: definition.{language} quotes "
                                       f"{phrase!r}, which no entry says")
    assert not missing, "\n".join(missing)
