"""Problems found in content: the user's errors, reported as ``file:line: field: message``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file.

    ``path`` is relative to the collection root and uses forward slashes; ``line`` is 1-based.
    """

    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.field}: {label}{self.message}"


class ContentError(Exception):
    """Raised when the collection has errors; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def did_you_mean(value: str, allowed: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when a close match exists, else the empty string."""
    close = difflib.get_close_matches(value, sorted(allowed), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def allowed_list(allowed: Iterable[str], limit: int = 12) -> str:
    values = sorted(allowed)
    if not values:
        return "(none defined)"
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")
