"""Rebuild only what an edit touched: MkDocs' dirty build, made safe, and the search index merged.

`kb build` writes only the generated pages whose bytes changed, so their modification times say
what an edit touched; MkDocs' dirty mode then renders only pages newer than their HTML. That is the
same site as a full build when nothing else changed, which the build state records:

- a fingerprint of everything else that shapes every page (both configurations, hand-written pages,
  theme overrides, the build code and the versions of MkDocs, Material, Markdown and jieba);
- the list of generated files (a removed page would leave stale HTML behind; a new one is fine, but
  counts as a change to be safe);
- the options it built with, the site folder among them (in the fingerprint).

The state is written only after both languages built successfully.

Any difference, or no state, means a full build. Material's search plugin indexes only the pages it
renders, so in a dirty build the index is merged: the previous entries of the pages left alone, the
new entries of the pages rebuilt, in the order a full build writes them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from kb.memo import code_digest
from kb.pipeline import outputs
from kb.site import SUBDIR

STATE_DIR = Path(".cache") / "kb"
SHAPING = ("mkdocs.yml", "mkdocs.en.yml", "docs/zh", "docs/en", "docs/overrides", "scripts/kb")


def _files(root: Path, names: Iterable[str]) -> list[Path]:
    found = []
    for name in names:
        path = root / name
        found += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in found if "__pycache__" not in p.parts and p.exists()]


def fingerprint(root: Path, options: dict[str, object]) -> str:
    """A hash of everything besides the collection that shapes the built pages: the options, the code
    (kb.memo.code_digest), and the project's configurations, hand-written pages and theme overrides."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode() + code_digest().encode())
    for resolved in sorted({p.resolve() for p in _files(root, SHAPING)}):
        digest.update(resolved.as_posix().encode() + b"\0" + resolved.read_bytes() + b"\0")
    return digest.hexdigest()


def state(fingerprint: str, generated: Iterable[str]) -> dict:
    """What a dirty build must find unchanged: the :func:`fingerprint` and the generated files (paths
    as :func:`kb.pipeline.outputs` lists them)."""
    return {"fingerprint": fingerprint, "generated": list(generated)}


def current_state(root: Path, generated: Path, options: dict[str, object]) -> dict:
    """The :func:`state` found now; ``options`` (site folder, strictness ...) are fingerprinted."""
    return state(fingerprint(root, options), outputs(generated))


def state_path(root: Path, site_dir: Path) -> Path:
    """Where the build state of ``site_dir`` is kept: one per site folder (`kb build` and `kb serve` each
    have their own)."""
    name = hashlib.sha256(str(site_dir.resolve()).encode()).hexdigest()[:16]
    return root / STATE_DIR / f"build-state-{name}.json"


def can_rebuild_dirty(root: Path, state: dict, site_dir: Path) -> bool:
    """True when the last complete build left exactly this state behind, and its site is still there."""
    try:
        previous = json.loads(state_path(root, site_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    complete = all((site_dir / sub / "search" / "search_index.json").is_file() for sub in SUBDIR.values())
    return complete and previous == state


def save_state(root: Path, site_dir: Path, state: dict) -> None:
    path = state_path(root, site_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")


def forget_state(root: Path, site_dir: Path) -> None:
    """Called before a build starts: a build that fails half-way must not look complete."""
    state_path(root, site_dir).unlink(missing_ok=True)


def _page(location: str) -> str:
    return location.split("#", 1)[0]


def merge_docs(previous: Sequence[dict], rebuilt: Sequence[dict], rebuilt_pages: set[str],
               page_order: Sequence[str]) -> list[dict]:
    """The index entries of a full build: ``previous`` for pages not rebuilt, ``rebuilt`` for the others.

    Entries are grouped by page in ``page_order`` (the order MkDocs builds pages in); within a page
    they keep their order. Pages that no longer exist lose their entries.
    """
    by_page: dict[str, list[dict]] = {}
    for doc in previous:
        if _page(doc["location"]) not in rebuilt_pages:
            by_page.setdefault(_page(doc["location"]), []).append(doc)
    for doc in rebuilt:
        by_page.setdefault(_page(doc["location"]), []).append(doc)
    return [doc for page in page_order for doc in by_page.get(page, ())]
