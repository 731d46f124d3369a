"""kb: turns answers/ and glossary/ into a bilingual MkDocs site.

The pipeline (see :func:`kb.pipeline.generate`) reads like a sentence: load the collection,
check it, derive the indexes, render the pages, write what changed.
"""

__version__ = "0.1.0"
