"""jieba, imported without ``pkg_resources``: kb's modules that cut Chinese import it from here.

When setuptools is installed (Python 3.11's ``venv`` installs it), jieba opens its data files through
``pkg_resources``, whose import takes 45 ms: a thirtieth of a build after one edit. Without it, jieba
opens the same files beside its module. Any later import of ``pkg_resources`` is not affected. The
commands that never cut (`kb check`, `kb new`, `kb stamp`, `kb schema`) do not import jieba at all.
"""

import sys

if "jieba" not in sys.modules and "pkg_resources" not in sys.modules:
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]

import jieba

__all__ = ["jieba"]
