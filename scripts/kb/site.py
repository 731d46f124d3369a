"""Run MkDocs for both languages: Chinese at the site root, English under ``en/``.

One MkDocs build per language (``mkdocs.yml`` and ``mkdocs.en.yml``, which INHERITs it), so each
language gets its own search index and its own interface language.
"""

from __future__ import annotations

import logging
from pathlib import Path

CONFIGS = {"zh": "mkdocs.yml", "en": "mkdocs.en.yml"}
SUBDIR = {"zh": "", "en": "en"}

# Set when `mkdocs serve` (or `kb serve`) runs: the Chinese build then also builds the English site
# into the served folder, so the language switch works in the preview too.
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
    """MkDocs warns that a dirty build may be inaccurate; kb.incremental makes sure it is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


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
    inc.forget_state(root)
    for lang in CONFIGS:
        build_language(root, lang, site_dir / SUBDIR[lang], strict=strict, our_search=our_search, dirty=dirty)
    inc.save_state(root, state)
    return dirty


def serve(root: Path, address: str) -> None:
    """Preview with live reload; edits to answers/, glossary/ and docs/ rebuild both languages."""
    global serving
    from mkdocs.commands.serve import serve as mkdocs_serve

    serving = True
    mkdocs_serve(config_file=str(root / CONFIGS["zh"]), dev_addr=address, livereload=True)
