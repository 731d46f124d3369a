"""JSON Schemas for the front-matter and glossary files, produced from the content model.

`kb schema` writes them to ``schema/``; editors that speak the YAML language server use them to
check files while they are typed (see .vscode/settings.json). A test keeps the committed files
equal to what the model produces, so the model stays the single source of truth.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import json
import types
import typing
from typing import Any, Literal, Union

from kb.content.model import Answer, Question, Stance, Term, Theme, TranslationMeta, Unlinked
from kb.content.schema import fields_of

DRAFT = "https://json-schema.org/draft/2020-12/schema"

FILES: dict[str, tuple[type, bool, str]] = {
    # file name: (model, is a list of entries, what it validates)
    "answer.schema.json": (Answer, False, "front-matter of answers/<question>/<id>.md"),
    "translation.schema.json": (TranslationMeta, False, "front-matter of answers/<question>/<id>.en.md"),
    "question.schema.json": (Question, False, "answers/<question>/question.yml"),
    "themes.schema.json": (Theme, True, "glossary/themes.yml"),
    "stances.schema.json": (Stance, True, "glossary/stances.yml"),
    "terms.schema.json": (Term, True, "glossary/terms.yml"),
    "unlinked.schema.json": (Unlinked, True, "glossary/unlinked.yml"),
}


def _anchored(pattern: str) -> str:
    return f"^(?:{pattern})$"


def type_schema(tp: Any, meta: typing.Mapping = {}) -> dict:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return {"anyOf": [type_schema(inner, meta), {"type": "null"}]}
    if dataclasses.is_dataclass(tp):
        return object_schema(tp)
    if origin is Literal:
        return {"enum": list(typing.get_args(tp))}
    if origin is tuple:
        schema: dict[str, Any] = {"type": "array", "uniqueItems": True,
                                  "items": type_schema(typing.get_args(tp)[0],
                                                       {"pattern": meta.get("item_pattern")})}
        if "min_items" in meta:
            schema["minItems"] = meta["min_items"]
        if "max_items" in meta:
            schema["maxItems"] = meta["max_items"]
        return schema
    if origin is dict:
        return {"type": "object", "additionalProperties": type_schema(typing.get_args(tp)[1])}
    if tp is int:
        return {"type": "integer", **({"minimum": meta["min"]} if "min" in meta else {})}
    if tp is datetime.date:
        return {"type": "string", "format": "date"}  # YAML 1.2 editors read an unquoted date as text
    if tp is str:
        schema = {"type": "string", "minLength": 1}
        if meta.get("pattern"):
            schema["pattern"] = _anchored(meta["pattern"])
        return schema
    raise TypeError(f"no JSON Schema for {tp!r}")


def object_schema(cls: type) -> dict:
    properties, required = {}, []
    for f, tp in fields_of(cls):
        schema = type_schema(tp, f.metadata)
        if f.metadata.get("doc"):
            schema = {"description": f.metadata["doc"], **schema}
        properties[f.name] = schema
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
    return {"type": "object", "description": inspect.getdoc(cls).split("\n")[0],
            "properties": properties, "required": required, "additionalProperties": False}


def schemas() -> dict[str, str]:
    """File name -> JSON text, deterministic."""
    out = {}
    for name, (model, is_list, what) in FILES.items():
        body = object_schema(model)
        schema = {"$schema": DRAFT, "title": f"{what}", **(
            {"type": "array", "items": body} if is_list else body)}
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
