"""What the external checks share with `make audit` (tests/external/lighthouse_audit.py): where the
tools are, the one-line messages that say how to install a missing one, the site build and a static
server on 127.0.0.1.

Deliberately independent of kb's modules (kb.browser may move in a restructure): the site is built
through the CLI only, and the server is a small copy of kb.browser.serve_directory.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "tests" / "browser" / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

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


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass


class _UnthrottledHandler(_QuietHandler):
    """linkchecker waits 0.1-0.6 s between requests to a host unless the host answers with a
    `LinkChecker` header (then its maxrequestspersecond applies): 80 pages took 2 min 40 s without it."""

    def end_headers(self) -> None:
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is no error of the site
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path, port: int = 0, linkchecker: bool = False) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port unless given); yields the base URL, no trailing slash.
    With ``linkchecker``, responses let linkchecker check at full speed."""
    handler = _UnthrottledHandler if linkchecker else _QuietHandler
    server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
