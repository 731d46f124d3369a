"""Run MkDocs for both languages: Chinese at the site root, English under ``en/``.

One MkDocs build per language (``mkdocs.yml`` and ``mkdocs.en.yml``, which INHERITs it), so each
language gets its own search index and its own interface language.
"""

from __future__ import annotations

import gc
import logging
import shutil
import time
from pathlib import Path

CONFIGS = {"zh": "mkdocs.yml", "en": "mkdocs.en.yml"}
# What `kb serve` watches: the sources, the hand-written pages and the theme, never docs/_generated.
WATCHED = ("answers", "glossary", "docs/zh", "docs/en", "docs/overrides", "mkdocs.yml", "mkdocs.en.yml",
           "scripts/kb")
SUBDIR = {"zh": "", "en": "en"}

# Set when `mkdocs serve` runs: the Chinese build then also builds the English site into the served
# folder, so the language switch works in that preview too. (`kb serve` builds both itself.)
serving = False


def configure_logging(verbose: bool = False) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_kb", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._kb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may be inaccurate, and that the site folder holds files from
    before; kb.incremental makes sure the first is not so and relies on the second."""

    NOTICES = ("A 'dirty' build is being performed", "The directory contains stale files")

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.NOTICES)


def build_language(root: Path, lang: str, site_dir: Path, strict: bool = True, our_search: bool = True,
                   dirty: bool = False) -> None:
    """Build one language's site into ``site_dir`` (raises mkdocs exceptions on failure)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(root / CONFIGS[lang]), site_dir=str(site_dir), strict=strict)
    config.extra["kb_search"] = bool(config.extra.get("kb_search")) and our_search
    config.plugins.on_startup(command="build", dirty=dirty)
    quiet = _NoDirtyWarning()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    try:
        build(config, dirty=dirty)
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        config.plugins.on_shutdown()


def build_site(root: Path, site_dir: Path, strict: bool = True, our_search: bool = True,
               incremental: bool = True) -> bool:
    """Both languages; Chinese first, because its full build empties ``site_dir``.

    Only the pages an edit touched are rendered again when the last complete build left the same
    state behind (kb.incremental); returns whether that was the case.
    """
    from kb import incremental as inc
    from kb.pipeline import GENERATED_DIR

    options = {"site_dir": str(site_dir.resolve()), "strict": strict, "our_search": our_search}
    state = inc.current_state(root, root / GENERATED_DIR, options)
    dirty = incremental and inc.can_rebuild_dirty(root, state, site_dir)
    inc.forget_state(root, site_dir)
    for lang in CONFIGS:
        build_language(root, lang, site_dir / SUBDIR[lang], strict=strict, our_search=our_search, dirty=dirty)
    inc.save_state(root, site_dir, state)
    return dirty


def _change_events() -> type:
    """An observer of the system's file change events (inotify on Linux) that reports changes only.

    MkDocs polls every watched file twice a second; change events report a save at once and cost
    nothing while idle. But they also report a file being opened and read, which every build does to
    the sources: passed on, each build would start the next.
    """
    import watchdog.events
    import watchdog.observers

    changes = [watchdog.events.FileCreatedEvent, watchdog.events.FileModifiedEvent,
               watchdog.events.FileDeletedEvent, watchdog.events.FileMovedEvent]

    class ChangeEvents(watchdog.observers.Observer):  # type: ignore[misc, valid-type]
        def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **options):
            return super().schedule(event_handler, path, recursive=recursive,
                                    event_filter=event_filter or changes, **options)

    return ChangeEvents


def serve(root: Path, address: str, poll: bool = False) -> None:
    """Preview both languages with live reload, rebuilding in this process after every edit; ``poll``
    looks for edits by polling (as `mkdocs serve` does) instead of the system's change events.

    The process keeps what it has read and cut (kb.load, kb.terms), and each rebuild is the same
    incremental build as `kb build` (kb.incremental): after an edit to an answer, only the pages it
    touched are rendered again. Errors in the collection are reported and the last good site stays up.
    """
    import tempfile

    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer

    from kb import incremental
    from kb.pipeline import generate, one_pass
    from kb.problems import ContentError

    log = logging.getLogger("mkdocs.kb")
    host, _, port = address.rpartition(":")
    site_dir = Path(tempfile.mkdtemp(prefix="kb-serve-"))

    def builder() -> None:
        started = time.perf_counter()
        try:
            with one_pass(root):
                generate(root)
                dirty = build_site(root, site_dir, strict=False)
        except ContentError as exc:
            log.error("the collection has errors; the preview shows the last good build:\n%s", exc)
            return
        except MkDocsException as exc:
            log.error("the site could not be built; the preview shows the last good build: %s", exc)
            return
        how = "the pages that changed" if dirty else "every page"
        log.info("kb: built both languages in %.1f s (%s)", time.perf_counter() - started, how)
        if not dirty:
            # What a complete build leaves (carried pages, cuts, counts) lives as long as the server:
            # the collector of reference cycles need not go through it again after every edit.
            gc.collect()
            gc.freeze()

    server = LiveReloadServer(builder=builder, host=host, port=int(port), root=str(site_dir))
    if not poll:
        server.observer = _change_events()()
    try:
        builder()
        for watched in WATCHED:
            if (root / watched).exists():
                server.watch(str(root / watched))
        server.serve()
    except KeyboardInterrupt:
        log.info("Shutting down...")
    except OSError as exc:
        if poll:
            raise
        raise OSError(f"{exc} (if this system cannot report file changes, run kb serve --poll)") from exc
    finally:
        server.shutdown()
        incremental.state_path(root, site_dir).unlink(missing_ok=True)
        shutil.rmtree(site_dir, ignore_errors=True)
