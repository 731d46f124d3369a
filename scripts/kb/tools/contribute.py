"""Commands a contributor runs on purpose: `kb new` writes a new entry, `kb stamp` records which
revision of its original a translation translates. Both refuse to overwrite anything else.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kb.content.load import PLACEHOLDER, TRANSLATION_SUFFIX, load, read_text
from kb.content.model import SLUG, revision
from kb.content.problems import Problem
from kb.content.yamldoc import quote


class ContributeError(Exception):
    """A mistake in what the contributor asked for; the message says what to do."""


@dataclass(frozen=True)
class NewEntry:
    question: str
    id: str
    order: int
    author_id: str
    kind: str
    name: str | None
    name_en: str | None
    credential: str | None
    credential_en: str | None
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    stance: str
    themes: tuple[str, ...]
    source: str
    added: datetime.date = field(default_factory=datetime.date.today)


def translates_line(paragraphs: Iterable[str]) -> str:
    """The front-matter line recording which revision of the original a translation translates."""
    # Quoted: a hash such as 92536105 or 1e345678 would otherwise be read as a number.
    return f"translates: [{', '.join(quote(revision(p)) for p in paragraphs)}]"


def render_new(entry: NewEntry) -> tuple[str, str]:
    """The original's and the translation's text for a new entry, placeholders in the bodies."""
    author = [f"  id: {entry.author_id}"]
    if entry.kind != "named":
        author.append(f"  kind: {entry.kind}")
    for key in ("name", "name_en", "credential", "credential_en"):
        value = getattr(entry, key)
        if value:
            author.append(f"  {key}: {quote(value)}")
    original = "\n".join([
        "---",
        f"id: {entry.id}",
        f"question: {quote(entry.question)}",
        f"order: {entry.order}",
        "author:", *author,
        f"title: {{zh: {quote(entry.title_zh)}, en: {quote(entry.title_en)}}}",
        "summary:",
        f"  zh: {quote(entry.summary_zh)}",
        f"  en: {quote(entry.summary_en)}",
        f"stance: {entry.stance}",
        f"themes: [{', '.join(entry.themes)}]",
        f"source: {entry.source}",
        f"added: {entry.added.isoformat()}",
        "---",
        "",
        f"{PLACEHOLDER}：把作者的原文粘贴在这里，一字不改；段与段之间空一行。",
        "",
    ])
    translation = "\n".join([
        f"{PLACEHOLDER}: put the English translation here, one paragraph for each paragraph of the original,",
        "in the same order, one blank line between paragraphs. When it is complete, run",
        f"`kb stamp answers/{entry.question}/{entry.id}{TRANSLATION_SUFFIX}`.",
        "",
    ])
    return original, translation


def write_new(root: Path, entry: NewEntry) -> tuple[Path, Path]:
    """Write both files; never overwrite: if either exists, nothing is written."""
    folder = root / "answers" / entry.question
    original = folder / f"{entry.id}.md"
    translation = folder / f"{entry.id}{TRANSLATION_SUFFIX}"
    existing = [p for p in (original, translation) if p.exists()]
    if existing:
        raise ContributeError(f"{existing[0].relative_to(root).as_posix()} already exists; "
                              "choose another --id (kb new never overwrites a file)")
    original_text, translation_text = render_new(entry)
    with original.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(original_text)
    with translation.open("x", encoding="utf-8") as handle:
        handle.write(translation_text)
    return original, translation


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug if re.fullmatch(SLUG, slug or "-") else ""


_FRONT = re.compile(r"\A---\n(?P<yaml>.*?)\n---\n", re.S)


def stamp(root: Path, paths: list[str]) -> list[str]:
    """Record in each translation the revision of its original; all translations if ``paths`` is empty.

    Only the ``translates:`` line of the front-matter is written; the translation's text is kept
    byte for byte.
    """
    loaded = load(root)
    by_translation = {a.translation.path: a for a in loaded.collection.answers if a.translation}
    wanted = [Path(p).resolve().relative_to(root.resolve()).as_posix() for p in paths] or sorted(by_translation)
    stamped = []
    for rel in wanted:
        answer = by_translation.get(rel)
        if answer is None:
            raise ContributeError(f"{rel}: not a translation of a loadable entry; run `kb check` first")
        if len(answer.translation.paragraphs) != len(answer.paragraphs):
            raise ContributeError(f"{rel}: has {len(answer.translation.paragraphs)} paragraphs but its original "
                                  f"has {len(answer.paragraphs)}; finish the translation before stamping it")
        problems: list[Problem] = []
        text = read_text(root / rel, rel, problems)
        if text is None:
            raise ContributeError(str(problems[0]))
        line = translates_line(answer.paragraphs)
        match = _FRONT.match(text)
        if match:
            kept = [x for x in match["yaml"].split("\n") if not x.startswith("translates:")]
            new = "---\n" + "\n".join([*kept, line]).strip("\n") + "\n---\n" + text[match.end():]
        else:
            new = f"---\n{line}\n---\n\n{text}"
        if new != text:
            (root / rel).write_text(new, encoding="utf-8")
            stamped.append(rel)
    return stamped
