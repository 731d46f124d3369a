"""Render one language's staged docs folder into a site folder with MkDocs (or ProperDocs).

Nothing of MkDocs or Material is patched: each language is an ordinary build of its config
(``mkdocs.yml``, ``mkdocs.en.yml`` INHERITs it), which ``mkdocs build -f`` would do the same way.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from kb.site.stage import STAGING

CONFIGS = {"zh": "mkdocs.yml", "en": "mkdocs.en.yml"}
SUBDIR = {"zh": "", "en": "en"}  # where each language sits in the site folder
RENDERERS = ("mkdocs", "properdocs")


def configure_logging(verbose: bool = False) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_kb", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._kb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.propagate = False


def render_language(root: Path, lang: str, site_dir: Path, *, strict: bool = True, dirty: bool = False,
                    renderer: str = "mkdocs") -> None:
    """Build ``lang`` into ``site_dir``; raises MkDocs' own exceptions (or CalledProcessError) on failure.
    ``dirty`` renders only the pages whose staged file is newer than its built page (`kb serve`)."""
    config_file = str(root / CONFIGS[lang])
    if renderer == "properdocs":
        # Its own process: ProperDocs is a fork of MkDocs, and the two are not meant to share one.
        subprocess.run([sys.executable, "-m", "properdocs", "build", "-q", "-f", config_file, "-d", str(site_dir),
                        *(["--strict"] if strict else []), *(["--dirty"] if dirty else [])], check=True)
        return
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=config_file, site_dir=str(site_dir), strict=strict)
    config.plugins.on_startup(command="build", dirty=dirty)
    try:
        build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()


def remove_pages_without_source(root: Path, site_dir: Path) -> None:
    """After a dirty build, the built pages of entries that were removed: a full build would not make
    them, and a dirty one leaves them where they were."""
    for lang, sub in SUBDIR.items():
        folder = site_dir / sub if sub else site_dir
        staged = root / STAGING / lang
        for section in ("answers", "authors", "themes", "questions"):
            for page in (folder / section).glob("*.html"):
                if not (staged / section / page.with_suffix(".md").name).exists():
                    page.unlink()
