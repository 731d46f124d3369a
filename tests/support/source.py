"""An independent reading of the compiled source text, used as the oracle for verbatim tests.

It does not share code with the generator on purpose: the tests compare what the site renders
with what this module reads straight from ``../shared/source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "source" / "000_2ea22efa9c380bb6.txt"

_ANSWER_HEADING = re.compile(r"^回答[一二三四五六七八九十]+:\s*(?P<title>.+)$")
_SIGNATURE = re.compile(r"^作者:(?P<signature>.+)$")


@dataclass(frozen=True)
class SourceAnswer:
    title: str
    paragraphs: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class SourceDocument:
    compilation_title: str
    preface_heading: str
    preface: str  # the complete preface, attribution included, line breaks joined
    description: str
    lead: str
    subquestions: tuple[str, ...]
    answers: tuple[SourceAnswer, ...]
    other_views: tuple[str, ...]
    copyright: str


def squash(text: str) -> str:
    """Text with all whitespace removed: the comparison key for 'verbatim up to whitespace'."""
    return re.sub(r"\s+", "", text)


def read_source(path: Path = SOURCE) -> SourceDocument:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    description_at = lines.index("问题描述")
    answers_at = lines.index("回答集锦")
    others_at = lines.index("其他观点")
    copyright_at = next(i for i, line in enumerate(lines) if line.startswith("来源:知乎"))
    # Line 2 is the preface cut off mid-sentence; the complete one starts on line 3.
    preface = "".join(lines[3:description_at])
    lead_and_subquestions = lines[description_at + 2 : answers_at]
    answers: list[SourceAnswer] = []
    title: str | None = None
    body: list[str] = []
    for line in lines[answers_at + 1 : others_at]:
        if heading := _ANSWER_HEADING.match(line):
            title, body = heading["title"].strip(), []
        elif signature := _SIGNATURE.match(line):
            assert title is not None
            answers.append(SourceAnswer(title, tuple(body), signature["signature"]))
            title = None
        else:
            body.append(line)
    return SourceDocument(
        compilation_title=lines[0],
        preface_heading=lines[2],
        preface=preface,
        description=lines[description_at + 1],
        lead=lead_and_subquestions[0].removeprefix("- "),
        subquestions=tuple(re.sub(r"^\d\s*", "", q) for q in lead_and_subquestions[1:]),
        answers=tuple(answers),
        other_views=tuple(lines[others_at + 1 : copyright_at]),
        copyright=lines[copyright_at],
    )
