"""Running a test's body in a new interpreter, where kb.forked may fork.

The suite's own servers (the built site's, for the browser tests) are threads, and kb.forked never
forks a process with another thread running: tests of what a forked child does run in a process of
their own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kb import forked

from support.site import ROOT

needs_fork = pytest.mark.skipif(sys.platform != "linux" or forked.cores() < 2, reason="needs Linux and two cores")


def in_new_process(body: str, tmp_path: Path) -> str:
    """Run ``body`` (Python with asserts) in a new interpreter, with the real collection's folder as
    ``sys.argv[1]`` and ``tmp_path`` as ``sys.argv[2]``; returns what it wrote to stderr."""
    script = "import os, time\nfrom pathlib import Path\nfrom kb import forked\n" + textwrap.dedent(body)
    result = subprocess.run([sys.executable, "-c", script, str(ROOT), str(tmp_path)], capture_output=True,
                            text=True, timeout=600, env={**os.environ, "KB_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    return result.stderr
