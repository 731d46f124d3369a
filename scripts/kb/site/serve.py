"""`kb serve`: both languages with live reload; every reload shows what a cold build would.

Each change runs the whole pipeline again (load, check, derive, render, write): the generator writes
only the Markdown files whose content changed, and MkDocs' own dirty build renders only the pages
whose files were written. A dirty build is right only while nothing else that every page shows has
changed, so a change to the theme overrides, the configs or a hand-written page (which the nav of
every page names) renders every page again. Errors in the collection are reported and the last good
site stays up.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import time
from pathlib import Path

from kb.content.problems import ContentError
from kb.pipeline import generate, render
from kb.site.mkdocs import CONFIGS

# What `kb serve` watches: the sources, the hand-written pages, the theme and the configs.
WATCHED = ("answers", "glossary", "docs/zh", "docs/en", "docs/overrides", *CONFIGS.values(),
           "scripts/kb/render/templates")
# What every rendered page depends on besides its own Markdown: when any of it changes, a dirty build
# would leave the other pages stale.
SHARED = ("docs/zh", "docs/en", "docs/overrides", *CONFIGS.values())


def shared_state(root: Path) -> str:
    """A digest of the contents of every file in :data:`SHARED`."""
    digest = hashlib.sha256()
    for name in SHARED:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


class Builder:
    """One rebuild of the served folder per call; remembers only whether the last build succeeded and
    what the shared inputs were then (to decide whether a dirty build is right)."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root, self.site_dir = root, site_dir
        self.last_shared: str | None = None  # None: no complete build in site_dir yet
        self.log = logging.getLogger("mkdocs.kb")

    def __call__(self) -> None:
        started = time.perf_counter()
        shared = shared_state(self.root)
        try:
            generated = generate(self.root)
            dirty = shared == self.last_shared
            self.last_shared = None  # until this build completes
            render(self.root, self.site_dir, generated, strict=False, dirty=dirty)
        except ContentError as exc:
            self.log.error("the collection has errors; the preview shows the last good build:\n%s", exc)
            return
        except Exception as exc:  # a renderer's failure: keep serving, say why
            self.log.error("the site could not be built; the preview shows the last good build: %s", exc)
            return
        self.last_shared = shared
        how = "the pages that changed" if dirty else "every page"
        self.log.warning("kb: built both languages in %.1f s (%s)", time.perf_counter() - started, how)


def serve(root: Path, address: str) -> None:
    """Preview both languages at ``address`` (host:port), rebuilding after every saved edit."""
    from mkdocs.livereload import LiveReloadServer

    host, _, port = address.rpartition(":")
    site_dir = Path(tempfile.mkdtemp(prefix="kb-serve-"))
    builder = Builder(root, site_dir)
    server = LiveReloadServer(builder=builder, host=host, port=int(port), root=str(site_dir))
    try:
        builder()
        if builder.last_shared is None:
            raise OSError("the first build failed; fix the errors above and start again")
        for watched in WATCHED:
            if (root / watched).exists():
                server.watch(str(root / watched))
        server.serve()
    except KeyboardInterrupt:
        logging.getLogger("mkdocs.kb").warning("Shutting down...")
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
