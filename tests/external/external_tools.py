"""What the external checks share with `make audit` (tests/external/lighthouse_audit.py): where the
tools are, the one-line messages that say how to install a missing one, the site build and a static
server on 127.0.0.1.

The site is built through the CLI; the server and Chromium's flags are kb.tools.browser's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.tools.browser import serve_directory

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"

# Each is one line: what is missing and the command that installs it (`make test` runs them itself).
INSTALL = {
    "chromium": "chromium is not installed: run `apt-get update && apt-get install -y chromium` as root "
                "(or `make test`, which does), or set KB_CHROMIUM to a Chromium binary",
    "java": "java is not installed (the Nu HTML checker needs it): run "
            "`apt-get update && apt-get install -y default-jre-headless` as root (or `make test`, which does)",
    "axe": "axe-core is not installed: run `npm ci --omit=dev --prefix tests/browser` (or `make test`, which does)",
    "vnu": "the Nu HTML checker (npm vnu-jar) is not installed: run `npm ci --omit=dev --prefix tests/browser` "
           "(or `make test`, which does)",
    "linkchecker": "linkchecker is not installed: run `pip install -e '.[dev]'` (or `make test`, which does)",
    "properdocs": "properdocs is not installed: run `pip install -e '.[dev]'` (or `make test`, which does)",
    "lighthouse": "lighthouse is not installed: run `npm ci --prefix tests/browser` (or `make audit`, which does)",
}

LANGS = {"zh": "", "en": "en/"}  # each language's folder in the built site


def require(condition: object, what: str) -> None:
    """Fail (never skip) with the one-line install message of ``what`` when ``condition`` is false."""
    if not condition:
        pytest.fail(INSTALL[what], pytrace=False)


def chromium_path() -> str | None:
    """Debian's chromium, or $KB_CHROMIUM when set (then that path only, so a wrong one is noticed)."""
    wanted = os.environ.get("KB_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def java_path() -> str | None:
    return shutil.which("java")


def tool(name: str) -> str | None:
    """A console script of this environment (linkchecker, properdocs), next to the running Python."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.is_file() else shutil.which(name)


def build_site(out: Path, *options: str) -> Path:
    """Both languages built by the project's own command, as a reader gets them."""
    subprocess.run([sys.executable, "-m", "kb", "build", "--site-dir", str(out), *options], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return out


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@contextlib.contextmanager
def serve(directory: Path, linkchecker: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1; yields the base URL, no trailing slash. With ``linkchecker``,
    responses carry a `LinkChecker` header: without it linkchecker waits 0.1-0.6 s between requests to
    a host (its maxrequestspersecond applies only then), and 80 pages took 2 min 40 s."""
    with serve_directory(directory, {"LinkChecker": "local test server"} if linkchecker else None) as base:
        yield base
