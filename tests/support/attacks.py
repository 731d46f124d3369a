"""The attack corpus (tests/fixtures/attacks/cases.yml) and how a case is applied to a copy of the collection."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((ROOT / "tests/fixtures/attacks/cases.yml").read_text(encoding="utf-8"))
FILES = {"A": "answers/41168257/naiyan-wang.md", "A_EN": "answers/41168257/naiyan-wang.en.md"}


def collection(tmp: Path) -> Path:
    """A copy of the real collection (answers/, glossary/, docs/): valid as it is."""
    for part in ("answers", "glossary", "docs"):
        shutil.copytree(ROOT / part, tmp / part)
    return tmp


def apply(root: Path, case: dict) -> None:
    path = root / FILES.get(case["file"], case["file"])
    if "symlink" in case:
        path.unlink(missing_ok=True)
        os.symlink(case["symlink"], path)
        return
    text = path.read_text(encoding="utf-8")
    assert text.count(case["find"]) >= 1, f"{case['name']}: {case['find']!r} not in {path}"
    path.write_text(text.replace(case["find"], case["replace"], 1), encoding="utf-8")
