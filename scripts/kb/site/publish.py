"""Swap a finished build into place: the published folder is either the last good site or the new one.

A build writes into a fresh folder beside ``site/``; only when both languages and the post-build pass
have succeeded is it renamed into place. A failed or killed build leaves ``site/`` as it was (and a
``.site-*`` folder that the next build removes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def fresh_folder(site_dir: Path) -> Iterator[Path]:
    """A new empty folder beside ``site_dir`` for a build; on success it replaces ``site_dir``."""
    parent = site_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    for leftover in parent.glob(f".{site_dir.name}-*"):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    new = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=parent))
    try:
        yield new
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    os.chmod(new, 0o755)  # mkdtemp makes it private; a site is for everyone to read
    old = parent / f".{site_dir.name}-old"
    if site_dir.exists():
        os.replace(site_dir, old)
    os.replace(new, site_dir)
    shutil.rmtree(old, ignore_errors=True)
