"""Python's collector of reference cycles, kept out of what kb makes to last a whole pass.

The collector runs whenever enough new container objects have been made, and every so often goes
through all of them. A pass of the generator makes millions that live until the pass ends (the
collection, its cuts, links and pages) and hardly any cycles. So the generator runs with the
collector paused (:func:`paused`); objects that lose their last reference are still freed at once.
In a command that ends after one pass (:data:`one_pass`, as `kb generate` and `kb build` are), what
the pause made is also frozen when it ends (``gc.freeze``): the collections after it would otherwise
go through all of it once more (0.25 s of `kb generate` from nothing at N = 1,000), and it all lives
to the end anyway. A long-running `kb serve` freezes nothing here: a cycle made by one pass is
collected after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Set by a command that ends after one pass (kb.cli.run).
one_pass = False


@contextmanager
def paused() -> Iterator[None]:
    """Within, the collector does not run; afterwards it is as it was (pauses nest), and what was made
    meanwhile is frozen if :data:`one_pass`."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            if one_pass:
                gc.freeze()
            gc.enable()
