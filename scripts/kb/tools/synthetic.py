"""Synthetic collections for `kb bench`: N bilingual entries shaped like the real collection.

Text is drawn from the real entries paragraph by paragraph, with each Chinese paragraph kept
together with its English translation, so lengths, scripts and term density are realistic; each
paragraph ends with a mark of its own (entry and position), so no text repeats.
Themes, stances and the glossary are the real ones; authors follow a long tail (most sign one
entry, a few sign many; some entries are anonymous or unsigned as in the source); entries spread
over a few questions. The same N and seed give byte-identical files.
"""

from __future__ import annotations

import datetime
import random
import shutil
from pathlib import Path

from kb.content.load import load
from kb.content.model import Answer
from kb.content.yamldoc import quote
from kb.tools.contribute import translates_line

FIRST_DAY = datetime.date(2016, 3, 1)  # synthetic entries are added ten a day from here
COPIED = ("mkdocs.yml", "mkdocs.en.yml", "docs/zh", "docs/en", "docs/overrides", "glossary")


def _entry(answer_id: str, question: str, order: int, author: dict, source: Answer,
           paragraphs: list[tuple[str, str]], themes: list[str], stance: str, url: str,
           added: datetime.date) -> tuple[str, str]:
    lines = ["---", f"id: {answer_id}", f"question: {quote(question)}", f"order: {order}", "author:"]
    lines += [f"  {key}: {quote(value) if key != 'id' else value}" for key, value in author.items()]
    lines += [
        f"title: {{zh: {quote(source.title.zh)}, en: {quote(source.title.en)}}}",
        f"summary: {{zh: {quote(source.summary.zh)}, en: {quote(source.summary.en)}}}",
        f"stance: {stance}",
        f"themes: [{', '.join(themes)}]",
        f"source: {url}",
        f"added: {added.isoformat()}",
        "---", "",
    ]
    original = "\n".join(lines) + "\n\n".join(zh for zh, _ in paragraphs) + "\n"
    stamp = translates_line(zh for zh, _ in paragraphs)
    translation = f"---\n{stamp}\n---\n\n" + "\n\n".join(en for _, en in paragraphs) + "\n"
    return original, translation


def make_collection(source_root: Path, out: Path, n: int, seed: int = 1) -> Path:
    """Write a buildable project with ``n`` entries into ``out`` (which must not exist)."""
    real = load(source_root).collection
    rng = random.Random(seed)
    out.mkdir(parents=True)
    for rel in COPIED:
        src, dst = source_root / rel, out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("_generated"))
        else:
            shutil.copy(src, dst)
    pairs = [(zh, en) for a in real.answers for zh, en in zip(a.paragraphs, a.translation.paragraphs, strict=True)
             if "[^" not in en]  # notes would need their definitions; keep plain paragraphs
    lengths = [len(a.paragraphs) for a in real.answers]
    template = real.questions[0]
    question_ids = [str(int(template.id) + k) for k in range(max(2, min(10, n // 500)))]
    question_text = (source_root / template.path).read_text(encoding="utf-8")
    for qid in question_ids:
        folder = out / "answers" / qid
        folder.mkdir(parents=True)
        (folder / "question.yml").write_text(question_text.replace(template.id, qid), encoding="utf-8")
    named = [a.author for a in real.answers if a.author.kind == "named"]
    authors: list[dict] = []
    orders = dict.fromkeys(question_ids, 0)
    for index in range(1, n + 1):
        roll = rng.random()
        if roll < 0.08:
            author = {"id": "unsigned", "kind": "unsigned"}
        elif roll < 0.13:
            author = {"id": "anonymous", "kind": "anonymous", "name": "匿名用户", "name_en": "Anonymous user"}
        elif authors and roll < 0.45:
            author = rng.choice(authors)  # the long tail: some authors sign many entries
        else:
            model = rng.choice(named)
            number = len(authors) + 1
            author = {"id": f"{model.id}-{number}", "name": f"{model.name}{number}",
                      "name_en": f"{model.name_en} {number}"}
            if model.credential:
                author |= {"credential": model.credential, "credential_en": model.credential_en}
            authors.append(author)
        question = rng.choice(question_ids)
        orders[question] += 1
        source = rng.choice(real.answers)
        # Each paragraph is marked with its place, so no two are the same text (as in a real collection;
        # repeated text would flatter anything that remembers what it has already cut or rendered).
        paragraphs = [(f"{zh}（a{index:05d}·{k}）", f"{en} (a{index:05d}·{k})") for k, (zh, en) in
                      enumerate(rng.sample(pairs, k=min(len(pairs), rng.choice(lengths))), start=1)]
        themes = rng.sample([t.id for t in real.themes], k=rng.randint(2, 5))
        stance = rng.choice([s.id for s in real.stances])
        original, translation = _entry(f"a{index:05d}", question, orders[question], author, source, paragraphs,
                                       themes, stance, f"https://www.zhihu.com/question/{question}",
                                       FIRST_DAY + datetime.timedelta(days=index // 10))
        folder = out / "answers" / question
        (folder / f"a{index:05d}.md").write_text(original, encoding="utf-8")
        (folder / f"a{index:05d}.en.md").write_text(translation, encoding="utf-8")
    return out
