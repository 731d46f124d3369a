"""Write generated pages: only files whose bytes changed, and remove stale ones. The only writer."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kb.memo import Table


@dataclass(frozen=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]

    def __str__(self) -> str:
        return f"{len(self.written)} written, {self.unchanged} unchanged, {len(self.removed)} removed"

    def __add__(self, other: WriteReport) -> WriteReport:
        """Two writes to separate folders, as one."""
        return WriteReport(tuple(sorted(self.written + other.written)), self.unchanged + other.unchanged,
                           tuple(sorted(self.removed + other.removed)))


# What was last written to (or found in) each file, with the file's size, modification and change
# times just after: while all three are unchanged the file still holds those bytes, and is not read
# again. Carried to the next process (kb.memo): the bytes are the very objects the render's carries
# hold, so the saved file stores each once, and a rebuild after an edit to one entry knows the pages
# it did not render again by identity instead of reading them back (31,000 files at N = 10,000).
_KNOWN: Table[str, tuple[bytes, int, int, int]] = Table("write.known")


def _remember(path: Path, data: bytes) -> None:
    stat = path.stat()
    _KNOWN[str(path)] = (data, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _holds(path: Path, data: bytes) -> bool:
    try:
        stat = path.stat()
    except OSError:
        return False
    known = _KNOWN.get(str(path))
    if known and known[1:] == (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns):
        return known[0] is data or known[0] == data
    try:
        same = path.read_bytes() == data
    except OSError:
        return False
    if same:
        _remember(path, data)
    return same


def write_pages(out_dir: Path, pages: dict[str, bytes], keep: tuple[str, ...] = ()) -> WriteReport:
    """Make ``out_dir`` hold exactly ``pages`` (path -> the file's bytes), but for what is in its folders
    ``keep`` (another language's pages, written by another call); files with identical content are not
    touched."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    unchanged = 0
    for rel, data in sorted(pages.items()):
        path = out_dir / rel
        if _holds(path, data):
            unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)  # atomic: a server reading the folder never sees half a page
        _remember(path, data)
        written.append(rel)
    removed, kept = [], {(top,) for top in keep}
    for folder, _dirs, files in os.walk(out_dir, topdown=False):
        base = Path(folder)
        if base.relative_to(out_dir).parts[:1] in kept:
            continue
        for name in files:
            rel = (base / name).relative_to(out_dir).as_posix()
            if rel not in pages:
                (base / name).unlink()
                _KNOWN.pop(str(base / name))
                removed.append(rel)
        if base != out_dir and not any(base.iterdir()):
            base.rmdir()
    return WriteReport(tuple(written), unchanged, tuple(sorted(removed)))
