"""Write generated pages: only files whose bytes changed, and remove stale ones. The only writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]

    def __str__(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"


def write_pages(out_dir: Path, pages: dict[str, str]) -> WriteReport:
    """Make ``out_dir`` hold exactly ``pages``; files with identical content are not touched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    unchanged = 0
    for rel, text in sorted(pages.items()):
        path = out_dir / rel
        data = text.encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a server reading the folder never sees half a page
        written.append(rel)
    removed = []
    for path in sorted(out_dir.rglob("*"), reverse=True):
        rel = path.relative_to(out_dir).as_posix()
        if path.is_file() and rel not in pages:
            path.unlink()
            removed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return WriteReport(tuple(written), unchanged, tuple(sorted(removed)))
