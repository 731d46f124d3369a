"""YAML parsed together with the line of every key, so that problems can name their line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from kb.content.problems import ContentError, Problem

Key = str | int


@dataclass(frozen=True)
class YamlDoc:
    """Plain data from one YAML text, plus ``lines``: key path -> 1-based line in the file.

    >>> doc = parse_yaml("a:\\n  b: 1\\n", "x.yml")
    >>> doc.data, doc.line("a", "b")
    ({'a': {'b': 1}}, 2)
    """

    path: str
    data: Any
    lines: Mapping[tuple[Key, ...], int] = field(repr=False)
    first_line: int = 1

    def line(self, *keys: Key) -> int:
        """The line of the deepest known key on this path (the document start if none)."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.first_line


def quote(text: str) -> str:
    """A YAML scalar that stays a string whatever it contains: JSON strings are YAML."""
    return json.dumps(text, ensure_ascii=False)


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it


class _Loader(_Base):  # type: ignore[valid-type, misc]
    """The safe loader, except that a date-shaped value that is no date (2026-02-30) stays text.

    The model then reports it at its line; PyYAML would stop with a bare ValueError instead.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> object:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

def parse_yaml(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Parse ``text`` (which starts at ``first_line`` of ``path``) or raise :class:`ContentError`.

    One pass: the text is composed into nodes (which records every key's line), then constructed.
    Anchors and aliases are refused outright: content never needs them, and refusing them closes
    the door on documents that expand into gigabytes ("billion laughs"). The composed tree shares
    an aliased node instead of copying it, so finding one never expands anything.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[tuple[Key, ...], int] = {}
        if node is not None:
            _record_lines(node, (), first_line, lines, path, set())
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise ContentError([Problem(path, line, "yaml", f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, first_line, "yaml", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return YamlDoc(path, data, lines, first_line)


def _record_lines(node: yaml.Node, keys: tuple[Key, ...], first_line: int, lines: dict, path: str,
                  seen: set[int]) -> None:
    """Record each key's line; a node met twice is an alias, reported at the line that uses it."""
    if id(node) in seen:
        # A shared node carries its anchor's position; the line of the enclosing key is where it is used.
        while keys and isinstance(keys[-1], int):
            keys = keys[:-1]
        line = lines.get(keys, first_line)
        raise ContentError([Problem(path, line, "yaml", "anchors and aliases (&name, *name) are not allowed "
                                    "in content files; write the value out")])
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path_keys = (*keys, key_node.value)
            lines[path_keys] = first_line + key_node.start_mark.line
            _record_lines(value_node, path_keys, first_line, lines, path, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path_keys = (*keys, index)
            lines[path_keys] = first_line + item.start_mark.line
            _record_lines(item, path_keys, first_line, lines, path, seen)


def split_front_matter(text: str, path: str) -> tuple[YamlDoc, str, int]:
    """Split a Markdown file into its front-matter, its body and the body's first line number."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError([Problem(path, 1, "front-matter", "missing; the file must start with a line '---', "
                                    "then YAML, then a closing '---'")])
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            doc = parse_yaml("\n".join(lines[1:index]), path, first_line=2)
            if doc.data is None:
                doc = YamlDoc(path, {}, doc.lines, 2)
            return doc, "\n".join(lines[index + 1 :]), index + 2
    raise ContentError([Problem(path, 1, "front-matter", "not closed; add a line '---' after the YAML")])
