"""Write build output: only files whose bytes changed, and remove the ones no longer made.

The only module that writes generated Markdown. A file that holds the same bytes is not touched, so
its modification time says when its content last changed: MkDocs' dirty build (`kb serve`) renders
again exactly the pages whose files were written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]

    def __str__(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"

    def __add__(self, other: WriteReport) -> WriteReport:
        return WriteReport(tuple(sorted(self.written + other.written)), self.unchanged + other.unchanged,
                           tuple(sorted(self.removed + other.removed)))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Make ``path`` hold ``data``; True if it had to be written. Written through a temporary file
    and renamed, so a server reading the folder never sees half a file."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
    return True


def sync_folder(folder: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make ``folder`` hold exactly ``files`` (relative path with ``/`` -> bytes): changed files are
    written, identical ones left alone, others removed (and folders left empty)."""
    written, unchanged = [], 0
    for rel, data in sorted(files.items()):
        if write_if_changed(folder / rel, data):
            written.append(rel)
        else:
            unchanged += 1
    removed = []
    for current, _dirs, names in os.walk(folder, topdown=False):
        base = Path(current)
        for name in names:
            rel = (base / name).relative_to(folder).as_posix()
            if rel not in files:
                (base / name).unlink()
                removed.append(rel)
        if base != folder and not any(base.iterdir()):
            base.rmdir()
    return WriteReport(tuple(written), unchanged, tuple(sorted(removed)))
