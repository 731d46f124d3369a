"""Run MkDocs for both languages: Chinese at the site root, English under ``en/``.

One MkDocs build per language (``mkdocs.yml`` and ``mkdocs.en.yml``, which INHERITs it), so each
language gets its own search index and its own interface language.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.theme import Theme

    from kb.content.problems import Problem
    from kb.write import WriteReport

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
    _skip_hidden_theme_folders(config.theme)
    config.plugins.on_startup(command="build", dirty=dirty)
    quiet = _NoDirtyWarning()
    logging.getLogger("mkdocs.commands.build").addFilter(quiet)
    try:
        build(config, dirty=dirty)
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
        config.plugins.on_shutdown()


def _skip_hidden_theme_folders(theme: Theme) -> None:
    """The theme's Jinja environment lists its files (MkDocs copies those that are not templates)
    without walking hidden folders, whose files MkDocs leaves out anyway (its patterns ``.*`` and
    ``*/.*``; Files.add_files_from_theme). Material keeps 14,000 icons in ``.icons``, which templates
    include by name: walking and matching them took 0.04 s of each language's build, an edit's too.
    Loading a template by name is unchanged."""
    import jinja2

    from kb.pipeline import files_under

    class Loader(jinja2.FileSystemLoader):
        def list_templates(self) -> list[str]:
            return sorted({rel for searchpath in self.searchpath for rel in files_under(searchpath, False)})

    get_env = theme.get_env

    def env() -> jinja2.Environment:
        made = get_env()
        made.loader = Loader(theme.dirs)
        return made

    theme.get_env = env  # type: ignore[method-assign]


def _fingerprinted(site_dir: Path, strict: bool, our_search: bool) -> dict[str, object]:
    """The options a build's state records (kb.incremental.fingerprint): a build after an edit is
    dirty only when they are those of the last complete build."""
    return {"site_dir": str(site_dir.resolve()), "strict": strict, "our_search": our_search}


def build_site(root: Path, site_dir: Path, strict: bool = True, our_search: bool = True,
               incremental: bool = True) -> bool:
    """Both languages; Chinese first, because its full build empties ``site_dir``.

    Only the pages an edit touched are rendered again when the last complete build left the same
    state behind (kb.incremental); returns whether that was the case.
    """
    from kb import incremental as inc
    from kb.pipeline import GENERATED_DIR

    options = _fingerprinted(site_dir, strict, our_search)
    state = inc.current_state(root, root / GENERATED_DIR, options)
    dirty = incremental and inc.can_rebuild_dirty(root, state, site_dir)
    inc.forget_state(root, site_dir)
    _build_languages(root, site_dir, dirty, strict=strict, our_search=our_search)
    inc.save_state(root, site_dir, state)
    return dirty


def generate_and_build(root: Path, site_dir: Path, generated: Callable[[WriteReport, tuple[Problem, ...]], None],
                       strict: bool = True, our_search: bool = True, incremental: bool = True) -> bool:
    """`kb build`: the generated pages, then both languages' sites (as :func:`build_site`); ``generated``
    is told what the generator wrote and warned of, once it is done, before the Chinese build starts.
    Returns whether only the pages that changed were rendered again.

    English pages are rendered and written first, then Chinese ones by the process that builds
    Chinese, while a forked child builds English: at N = 1,000, the Chinese pages' rendering and writing
    leave the path both processes wait on (a second from nothing, 0.07 s after an edit). So whether the
    build is dirty (kb.incremental) is decided before the pages are written, from the pages the
    collection will have (kb.pipeline.expected_outputs) instead of those found afterwards; if the two
    ever differed, the build is done again in full."""
    from kb import incremental as inc
    from kb.pipeline import GENERATED_DIR, expected_outputs, generate, outputs

    fingerprint = inc.fingerprint(root, _fingerprinted(site_dir, strict, our_search))
    expected = inc.state(fingerprint, expected_outputs(root))
    dirty = incremental and inc.can_rebuild_dirty(root, expected, site_dir)
    inc.forget_state(root, site_dir)
    english, warnings = generate(root, langs=("en",))

    def chinese() -> None:
        report, _ = generate(root, langs=("zh",))
        generated(english + report, warnings)

    _build_languages(root, site_dir, dirty, chinese, strict=strict, our_search=our_search)
    state = inc.state(fingerprint, outputs(root / GENERATED_DIR))
    if dirty and state != expected:
        logging.getLogger("mkdocs.kb").warning("kb: the pages generated were not those expected; building in full")
        _build_languages(root, site_dir, False, strict=strict, our_search=our_search)
        dirty = False
    inc.save_state(root, site_dir, state)
    return dirty


def _build_languages(root: Path, site_dir: Path, dirty: bool, before_chinese: Callable[[], None] = lambda: None,
                     **options: bool) -> None:
    """Both languages at once, English in a forked child, when this process may fork
    (kb.forked.can_fork: Linux, two cores, no other thread; never under `mkdocs serve` or `kb serve`);
    else Chinese, then English.

    MkDocs builds a language on one core, in pure Python, and neither build reads what the other
    writes: at N = 1,000 a full build took 27-29 s one after the other, 14-15 s at once. The child
    hands back what its build carried (search texts and postings, the index's pages: kb.memo) and
    what it logged, which is logged here after the Chinese build's own messages, as if built one
    after the other. If the child fails, English is built again here, in full (the child may have
    left half a site), and any error is then this process's to report. A build after an edit
    is at once too: at N = 1,000, 1.42-1.57 s against 1.54-1.59 s one after the other (six of each, in
    turn). (Before what both processes share was frozen, one after the other was the faster.)
    """
    from kb import forked, memo

    english = {"lang": "en", "site_dir": site_dir / SUBDIR["en"]}
    if serving or not forked.can_fork():
        before_chinese()
        for lang in CONFIGS:
            build_language(root, lang, site_dir / SUBDIR[lang], dirty=dirty, **options)
        return
    from kb import search_index, search_text  # noqa: F401  (their carries must exist before the fork)

    # What exists now (the collection, its cuts, the generated pages, what is carried) lives until the
    # build ends: neither process's collector of reference cycles need go through it again, and the
    # child's collections do not write to (and so copy) the pages it shares with this process.
    gc.freeze()

    def in_child() -> list[tuple[str, int, str]]:
        with _logged() as records:
            build_language(root, **english, dirty=dirty, **options)
        return records

    def chinese() -> None:
        before_chinese()
        build_language(root, "zh", site_dir, dirty=dirty, **options)

    with _cleaning_all_but(site_dir, SUBDIR["en"]):
        _, sent = memo.aside(in_child, chinese)
    if sent is None:
        logging.getLogger("mkdocs.kb").debug("kb: the English build in a second process failed; building it here")
        build_language(root, **english, dirty=False, **options)
        return
    for name, level, message in sent[0]:
        logging.getLogger(name).log(level, "%s", message)


class _Records(logging.Handler):
    """What a child's build logs, kept for its parent to log: (logger, level, message)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, record.levelno, message))


@contextmanager
def _logged() -> Iterator[list[tuple[str, int, str]]]:
    """Within, MkDocs' messages are kept (in the list given) instead of shown."""
    logger = logging.getLogger("mkdocs")
    shown = [handler for handler in logger.handlers if getattr(handler, "_kb", False)]
    kept = _Records()
    for handler in shown:
        logger.removeHandler(handler)
    logger.addHandler(kept)
    try:
        yield kept.records
    finally:
        logger.removeHandler(kept)
        for handler in shown:
            logger.addHandler(handler)


@contextmanager
def _cleaning_all_but(site_dir: Path, kept: str) -> Iterator[None]:
    """Within, MkDocs' cleaning of ``site_dir`` before a full build leaves ``kept`` alone (the
    English site, which a child is building meanwhile); other folders are cleaned as MkDocs does."""
    from mkdocs import utils

    clean = utils.clean_directory

    def all_but(directory: str) -> None:
        if Path(directory).resolve() != site_dir.resolve() or not os.path.isdir(directory):
            return clean(directory)
        for entry in os.listdir(directory):
            if entry != kept and not entry.startswith("."):  # MkDocs leaves hidden files too
                path = os.path.join(directory, entry)
                if os.path.isdir(path):
                    shutil.rmtree(path, True)
                else:
                    os.unlink(path)

    utils.clean_directory = all_but
    try:
        yield
    finally:
        utils.clean_directory = clean


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

    The process keeps what it has read and cut (kb.content.load, kb.derive.terms), and each rebuild is the same
    incremental build as `kb build` (kb.incremental): after an edit to an answer, only the pages it
    touched are rendered again. Errors in the collection are reported and the last good site stays up.
    """
    import tempfile

    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer

    from kb import incremental
    from kb.pipeline import generate, one_pass
    from kb.content.problems import ContentError

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
