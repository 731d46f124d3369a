"""Read the collection from disk into model objects. The only module of the pipeline that reads files."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from kb.content.model import (
    Answer,
    Collection,
    Note,
    Question,
    Stance,
    Term,
    Theme,
    Translation,
    TranslationMeta,
    Unlinked,
)
from kb.content.problems import ContentError, Problem
from kb.content.schema import INVALID, Builder
from kb.content.yamldoc import YamlDoc, parse_yaml, split_front_matter

QUESTION_FILE = "question.yml"
THEMES = "glossary/themes.yml"
STANCES = "glossary/stances.yml"
TERMS = "glossary/terms.yml"
UNLINKED = "glossary/unlinked.yml"  # optional: the words never linked
# What `kb new` puts where the author's text goes; `kb check` refuses it until it is replaced.
PLACEHOLDER = "KB-PLACEHOLDER"
TRANSLATION_SUFFIX = ".en.md"
MAX_FILE_BYTES = 1_000_000
_FOOTNOTE_DEF = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:[ \t]*(?P<text>.*)$")
# A translator's note referenced in the text ([^tn1]); kb.search.text drops these from the index.
FOOTNOTE_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")


@dataclass(frozen=True)
class Loaded:
    """The collection plus each file's parsed YAML, which later checks use to name lines."""

    collection: Collection
    docs: dict[str, YamlDoc]
    problems: tuple[Problem, ...]


def outside(root: Path, path: Path, rel: str) -> Problem | None:
    """A symbolic link, or a path that resolves outside the repository at ``root``: refused, since it
    could publish a file from anywhere on the build machine."""
    if path.is_symlink():
        return Problem(rel, 1, "file", "is a symbolic link; commit the file itself, inside the repository")
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return Problem(rel, 1, "file", "resolves outside the repository; commit the file itself")
    return None


def _refused(root: Path, path: Path, rel: str, problems: list[Problem]) -> bool:
    if (problem := outside(root, path, rel)) is not None:
        problems.append(problem)
        return True
    return False


def read_text(path: Path, rel: str, problems: list[Problem]) -> str | None:
    """A content file as text: UTF-8 only; a BOM or CRLF line ends are accepted and normalised."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, 1, "file", f"cannot be read: {exc.strerror}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(rel, 1, "file", f"is {len(data):,} bytes; at most {MAX_FILE_BYTES:,} allowed"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, line, "encoding", "is not valid UTF-8; save the file as UTF-8"))
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(body: str, first_line: int) -> list[tuple[int, str]]:
    """Blocks separated by blank lines, each with the line it starts on."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = first_line
    for offset, line in enumerate(body.split("\n")):
        if line.strip():
            if not current:
                start = first_line + offset
            current.append(line.strip())
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def load_translation(path: Path, rel: str, problems: list[Problem],
                     docs: dict[str, YamlDoc] | None = None) -> Translation | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    first_line = 1
    meta = TranslationMeta()
    if text.startswith("---\n"):
        try:
            doc, text, first_line = split_front_matter(text, rel)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None
        if docs is not None:
            docs[rel] = doc
        built = Builder(doc, problems).build_dataclass(TranslationMeta, doc.data, ())
        if built is not INVALID:
            meta = built
    paragraphs: list[str] = []
    paragraph_lines: list[int] = []
    notes: list[Note] = []
    for line, block in split_paragraphs(text, first_line):
        if _FOOTNOTE_DEF.match(block.split("\n", 1)[0]):
            for note_line in block.split("\n"):
                if match := _FOOTNOTE_DEF.match(note_line):
                    notes.append(Note(match["label"], match["text"].strip()))
                elif notes:  # a continuation line of the note above
                    notes[-1] = Note(notes[-1].label, f"{notes[-1].text} {note_line.strip()}")
        else:
            paragraphs.append(block)
            paragraph_lines.append(line)
    defined = [n.label for n in notes]
    used = [m["label"] for p in paragraphs for m in FOOTNOTE_REF.finditer(p)]
    for label in sorted(set(used) - set(defined)):
        problems.append(Problem(rel, first_line, "notes", f"[^{label}] is used but never defined; "
                                "add a line '[^" + label + "]: ...' at the end"))
    for label in sorted(set(defined) - set(used)):
        problems.append(Problem(rel, first_line, "notes", f"[^{label}] is defined but not used in the text"))
    for label in sorted({x for x in defined if defined.count(x) > 1}):
        problems.append(Problem(rel, first_line, "notes", f"[^{label}] is defined twice"))
    return Translation(rel, tuple(paragraphs), tuple(notes), first_line, tuple(paragraph_lines), meta.translates)


def load_answer(path: Path, rel: str, problems: list[Problem], docs: dict[str, YamlDoc]) -> Answer | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    try:
        doc, body, body_line = split_front_matter(text, rel)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    docs[rel] = doc
    blocks = split_paragraphs(body, body_line)
    paragraphs = tuple(block for _, block in blocks)
    if not paragraphs:
        problems.append(Problem(rel, body_line, "body", "is empty; paste the author's text below the front-matter"))
    translation_path = path.with_name(path.name.removesuffix(".md") + TRANSLATION_SUFFIX)
    translation_rel = rel.removesuffix(".md") + TRANSLATION_SUFFIX
    translation = None
    if translation_path.is_symlink():  # refused by load(), which names it
        pass
    elif translation_path.exists():
        translation = load_translation(translation_path, translation_rel, problems, docs)
    else:
        problems.append(Problem(rel, 1, "translation", f"missing; add {translation_rel} with one English "
                                "paragraph per Chinese paragraph"))
    answer = Builder(doc, problems).build_dataclass(
        Answer, doc.data, (), path=rel, paragraphs=paragraphs, body_line=body_line, translation=translation,
        paragraph_lines=tuple(line for line, _ in blocks))
    return None if answer is INVALID else answer


def load_list(path: Path, rel: str, cls: type, problems: list[Problem], docs: dict[str, YamlDoc],
              required: bool = True) -> tuple:
    """A glossary file: a YAML list of mappings, each built as ``cls``."""
    if (problem := outside(path.parent.parent, path, rel)) is not None:  # glossary/<file> under the root
        problems.append(problem)
        return ()
    if not path.exists():
        if required:
            problems.append(Problem(rel, 1, "file", "missing; the collection needs this file"))
        return ()
    text = read_text(path, rel, problems)
    if text is None:
        return ()
    try:
        doc = parse_yaml(text, rel)
    except ContentError as exc:
        problems.extend(exc.problems)
        return ()
    docs[rel] = doc
    if doc.data is None:
        return ()
    if not isinstance(doc.data, list):
        first = next(f.name for f in fields(cls))
        problems.append(Problem(rel, 1, "(document)", f"expected a list of entries, each starting with '- {first}:'"))
        return ()
    builder = Builder(doc, problems)
    items = [builder.build_dataclass(cls, item, (index,)) for index, item in enumerate(doc.data)]
    return tuple(item for item in items if item is not INVALID)


def load_question(path: Path, rel: str, problems: list[Problem], docs: dict[str, YamlDoc]) -> Question | None:
    text = read_text(path, rel, problems)
    if text is None:
        return None
    try:
        doc = parse_yaml(text, rel)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None
    docs[rel] = doc
    question = Builder(doc, problems).build_dataclass(Question, doc.data, (), path=rel)
    return None if question is INVALID else question


def load(root: Path) -> Loaded:
    """Load every file of the collection at ``root``; problems are collected, not raised."""
    problems: list[Problem] = []
    docs: dict[str, YamlDoc] = {}
    questions: list[Question] = []
    answers: list[Answer] = []
    answers_dir = root / "answers"
    if _refused(root, answers_dir, "answers", problems) or _refused(root, root / "glossary", "glossary", problems):
        return Loaded(Collection((), (), (), (), ()), docs, tuple(problems))
    if not answers_dir.is_dir():
        problems.append(Problem("answers", 1, "folder", "missing; create answers/<question id>/"))
    links = sorted(p for p in answers_dir.glob("*") if p.is_symlink())
    for link in links:
        _refused(root, link, f"answers/{link.name}", problems)
    for folder in sorted(p for p in answers_dir.glob("*") if p.is_dir() and not p.is_symlink()):
        question_path = folder / QUESTION_FILE
        rel = f"answers/{folder.name}/{QUESTION_FILE}"
        if _refused(root, question_path, rel, problems):
            pass
        elif not question_path.exists():
            problems.append(Problem(rel, 1, "file", f"missing; every question folder needs {QUESTION_FILE}"))
        elif question := load_question(question_path, rel, problems, docs):
            questions.append(question)
        # Names, not paths, listed and compared: a folder holds thousands of entries.
        entries = [entry for entry in os.scandir(folder) if entry.name.endswith(".md")]
        names = sorted(entry.name for entry in entries)
        names_set = set(names)
        # The folder is a real one inside the repository: only a link among its files can lead out.
        refused = {entry.name for entry in entries if entry.is_symlink()}
        for name in sorted(refused):
            _refused(root, folder / name, f"answers/{folder.name}/{name}", problems)
        for name in names:
            if name in refused:
                continue
            if name.endswith(TRANSLATION_SUFFIX):
                original = name.removesuffix(TRANSLATION_SUFFIX) + ".md"
                if original not in names_set:
                    problems.append(Problem(f"answers/{folder.name}/{name}", 1, "file",
                                            f"is a translation of {original}, which does not exist"))
                continue
            if answer := load_answer(folder / name, f"answers/{folder.name}/{name}", problems, docs):
                answers.append(answer)
    themes = load_list(root / THEMES, THEMES, Theme, problems, docs)
    stances = load_list(root / STANCES, STANCES, Stance, problems, docs)
    terms = load_list(root / TERMS, TERMS, Term, problems, docs)
    unlinked = load_list(root / UNLINKED, UNLINKED, Unlinked, problems, docs, required=False)
    answers.sort(key=lambda a: (a.question, a.order, a.id))
    collection = Collection(tuple(questions), tuple(answers), tuple(themes), tuple(stances), tuple(terms),
                            tuple(unlinked))
    return Loaded(collection, docs, tuple(problems))
