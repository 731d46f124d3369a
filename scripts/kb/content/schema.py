"""Build model dataclasses from YAML data, reporting every mismatch with its line.

The dataclasses in :mod:`kb.content.model` are the single source of truth for the front-matter: which
keys exist, which are required (no default), their types, and their constraints (field metadata).
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import types
import typing
from functools import cache
from typing import Any, Literal, TypeVar, Union

from kb.content.problems import Problem, allowed_list, did_you_mean
from kb.content.yamldoc import Key, YamlDoc

T = TypeVar("T")


class _Invalid:
    """Marks a value that failed validation (its problems are already recorded)."""


INVALID = _Invalid()


@cache
def fields_of(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    """The YAML-facing fields of a dataclass with their resolved types (derived fields left out)."""
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name]) for f in dataclasses.fields(cls) if not f.metadata.get("derived"))


def describe(tp: Any) -> str:
    """A type as a contributor would say it."""
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(v) for v in typing.get_args(tp))
    if origin in (Union, types.UnionType):
        return " or ".join(describe(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is tuple:
        return f"a list of {describe(typing.get_args(tp)[0])}s"
    if origin is dict:
        return "a mapping"
    if dataclasses.is_dataclass(tp):
        return "a mapping with keys " + ", ".join(f.name for f, _ in fields_of(tp))
    return {str: "text", int: "a whole number", bool: "true or false",
            datetime.date: "a date, YYYY-MM-DD"}.get(tp, tp.__name__)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


class Builder:
    """Turns the data of one :class:`YamlDoc` into model objects, collecting problems."""

    def __init__(self, doc: YamlDoc, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems

    def report(self, keys: tuple[Key, ...], message: str) -> _Invalid:
        # List positions are left out of the name: the line already says which entry it is.
        name = ".".join(str(k) for k in keys if not isinstance(k, int)) or "(document)"
        self.problems.append(Problem(self.doc.path, self.doc.line(*keys), name, message))
        return INVALID

    def build(self, tp: Any, value: Any, keys: tuple[Key, ...], meta: typing.Mapping = {}) -> Any:
        origin = typing.get_origin(tp)
        if origin in (Union, types.UnionType):
            inner = next(a for a in typing.get_args(tp) if a is not type(None))
            return None if value is None else self.build(inner, value, keys, meta)
        if value is None:
            return self.report(keys, f"is empty; expected {describe(tp)}")
        if dataclasses.is_dataclass(tp):
            return self.build_dataclass(tp, value, keys)
        if origin is Literal:
            allowed = typing.get_args(tp)
            if isinstance(value, bool) and {"yes", "no"} <= set(allowed):
                value = "yes" if value else "no"  # YAML 1.1 reads an unquoted yes or no as true or false
            if value not in allowed:
                return self.report(keys, f"'{value}' is not allowed; allowed: {', '.join(allowed)}"
                                   + did_you_mean(str(value), allowed))
            return value
        if origin is tuple:
            return self.build_list(typing.get_args(tp)[0], value, keys, meta)
        if origin is dict:
            return self.build_dict(typing.get_args(tp)[1], value, keys)
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return self.report(keys, f"expected a whole number, got {_kind(value)}")
            if "min" in meta and value < meta["min"]:
                return self.report(keys, f"{value} is too small; the least allowed is {meta['min']}")
            return value
        if tp is str:
            return self.build_str(value, keys, meta.get("pattern"))
        if tp is datetime.date:
            return self.build_date(value, keys)
        raise TypeError(f"unsupported field type {tp!r}")  # a bug in the model, not in content

    def build_str(self, value: Any, keys: tuple[Key, ...], pattern: str | None) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # `question: 41168257` means the same as `question: "41168257"`
        if not isinstance(value, str):
            return self.report(keys, f"expected text, got {_kind(value)}")
        value = value.strip()
        if not value:
            return self.report(keys, "is empty; write the text")
        if pattern and not re.fullmatch(pattern, value):
            hint = " (lowercase letters, digits and single hyphens)" if pattern.startswith("[a-z0-9]") else ""
            return self.report(keys, f"'{value}' does not match {pattern}{hint}")
        return value

    def build_date(self, value: Any, keys: tuple[Key, ...]) -> Any:
        # YAML reads an unquoted 2026-11-24 as a date already; a quoted one is text.
        if isinstance(value, datetime.datetime):
            return self.report(keys, f"'{value}' has a time of day; write the date only, YYYY-MM-DD")
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                return self.report(keys, f"'{value}' is not a calendar date; write YYYY-MM-DD")
        if not isinstance(value, datetime.date):
            return self.report(keys, f"expected a date, YYYY-MM-DD, got '{value}'")
        if value > datetime.date.today():
            return self.report(keys, f"{value} is in the future; write the day the entry was added")
        return value

    def build_list(self, item_tp: Any, value: Any, keys: tuple[Key, ...], meta: typing.Mapping) -> Any:
        if isinstance(value, str) and typing.get_origin(item_tp) is None and item_tp is str:
            value = [value]  # a single value where a list is expected
        if not isinstance(value, list):
            return self.report(keys, f"expected a list, got {_kind(value)}")
        low, high = meta.get("min_items"), meta.get("max_items")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            bounds = f"{low} to {high}" if high is not None else f"at least {low}"
            return self.report(keys, f"has {len(value)} items; {bounds} allowed")
        items = [self.build(item_tp, item, (*keys, i), {"pattern": meta.get("item_pattern")})
                 for i, item in enumerate(value)]
        if any(item is INVALID for item in items):
            return INVALID
        seen: set = set()
        for i, item in enumerate(items):
            if isinstance(item, str):
                if item in seen:
                    return self.report((*keys, i), f"'{item}' is listed twice")
                seen.add(item)
        return tuple(items)

    def build_dict(self, value_tp: Any, value: Any, keys: tuple[Key, ...]) -> Any:
        if not isinstance(value, dict):
            return self.report(keys, f"expected a mapping, got {_kind(value)}")
        out = {str(k): self.build(value_tp, v, (*keys, str(k))) for k, v in value.items()}
        return INVALID if any(v is INVALID for v in out.values()) else out

    def build_dataclass(self, cls: type[T], value: Any, keys: tuple[Key, ...], **derived: Any) -> T | _Invalid:
        if not isinstance(value, dict):
            return self.report(keys, f"expected {describe(cls)}, got {_kind(value)}")
        known = {f.name for f, _ in fields_of(cls)}
        ok = True
        for key in value:
            if str(key) not in known:
                self.report((*keys, str(key)), f"unknown key '{key}'; allowed: {allowed_list(known)}"
                            + did_you_mean(str(key), known))
                ok = False
        kwargs: dict[str, Any] = {}
        for f, tp in fields_of(cls):
            if f.name not in value:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    self.report((*keys, f.name), f"missing; required ({describe(tp)})")
                    ok = False
                continue
            built = self.build(tp, value[f.name], (*keys, f.name), f.metadata)
            ok = ok and built is not INVALID
            kwargs[f.name] = built
        if not ok:
            return INVALID
        return cls(**kwargs, **derived)
