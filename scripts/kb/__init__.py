"""kb: turns answers/ and glossary/ into a bilingual MkDocs site.

The pipeline (see :func:`kb.pipeline.generate`) reads like a sentence: load the collection,
check it, derive the indexes, render the pages, write what changed.
"""

import sys

__version__ = "0.1.0"


def _import_jieba() -> None:
    """Import jieba as every kb module uses it, without ``pkg_resources``.

    When setuptools is installed (Python 3.11's ``venv`` installs it), jieba opens its data files
    through ``pkg_resources``, whose import takes 45 ms: a thirtieth of a build after one edit. Without
    it, jieba opens the same files beside its module. Any later import of ``pkg_resources`` is not
    affected."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba  # noqa: F401
    finally:
        del sys.modules["pkg_resources"]


_import_jieba()
