"""A small JSON Schema checker for the keywords ``workbook schema`` uses, and a YAML 1.2 reader.

Editors check YAML against a JSON Schema after reading it with YAML 1.2's core
schema (``20`` a number, ``true`` a boolean, ``2026-09-01`` text); ``Core12Loader``
reads it the same way, independently of the project's own loader. ``errors``
follows JSON Schema 2020-12 for the keywords it knows (patterns are searched, as
in other validators) and refuses any other keyword, so a schema cannot rely on
one it would silently skip.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import yaml

ANNOTATIONS = frozenset({"$schema", "title", "description", "patternErrorMessage"})


def _is(kind: str, value: Any) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind == "number":
        return isinstance(value, int | float)
    return isinstance(value, {"string": str, "array": list, "object": dict}[kind])


def _number(value: Any) -> bool:
    return _is("number", value)


def errors(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Every way ``value`` breaks ``schema`` (empty: it is valid)."""
    found: list[str] = []
    for keyword, rule in schema.items():
        if keyword in ANNOTATIONS:
            continue
        if keyword not in _KEYWORDS:
            raise ValueError(f"{where}: the checker does not know the keyword {keyword!r}")
        found += _KEYWORDS[keyword](rule, value, where, schema)
    return found


def _type(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    kinds = rule if isinstance(rule, list) else [rule]
    return [] if any(_is(k, value) for k in kinds) else [f"{where}: not of type {rule}"]


def _enum(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    same = any(type(v) is type(value) and v == value for v in rule)
    return [] if same else [f"{where}: not one of {rule}"]


def _pattern(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    # ECMA-262, as JSON Schema says: ``$`` is the end of the text alone, where Python's
    # ``$`` also matches before a final newline
    ecma = re.sub(r"(?<!\\)\$", r"\\Z", rule)
    if isinstance(value, str) and not re.search(ecma, value):
        return [f"{where}: does not match {rule}"]
    return []


def _bound(test: Callable[[Any, Any], bool], applies: Callable[[Any], bool], what: str) -> Any:
    def check(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
        if applies(value) and not test(value, rule):
            return [f"{where}: {what} {rule}"]
        return []

    return check


def _items(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    if not isinstance(value, list):
        return []
    return [e for i, item in enumerate(value) for e in errors(rule, item, f"{where}[{i}]")]


def _properties(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [e for k, v in value.items() if k in rule for e in errors(rule[k], v, f"{where}.{k}")]


def _required(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [f"{where}: lacks {k!r}" for k in rule if k not in value]


def _additional(rule: Any, value: Any, where: str, schema: dict[str, Any]) -> list[str]:
    if not isinstance(value, dict) or rule is True:
        return []
    known = schema.get("properties", {})
    if isinstance(rule, dict):  # a schema for every property not named
        return [
            e for k, v in value.items() if k not in known for e in errors(rule, v, f"{where}.{k}")
        ]
    return [f"{where}: unknown {k!r}" for k in value if k not in known]


def _property_names(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    if not isinstance(value, dict):
        return []
    # a name is a string; YAML 1.2 may read a key as a number or a boolean, which no name is
    return [
        e
        for k in value
        for e in (errors(rule, k, f"{where} key {k!r}") if isinstance(k, str) else [f"{k!r}"])
    ]


def _any_of(rule: Any, value: Any, where: str, _: dict[str, Any]) -> list[str]:
    return [] if any(not errors(branch, value, where) for branch in rule) else [f"{where}: anyOf"]


_KEYWORDS: dict[str, Callable[[Any, Any, str, dict[str, Any]], list[str]]] = {
    "type": _type,
    "enum": _enum,
    "pattern": _pattern,
    "maxLength": _bound(lambda v, r: len(v) <= r, lambda v: isinstance(v, str), "longer than"),
    "minLength": _bound(lambda v, r: len(v) >= r, lambda v: isinstance(v, str), "shorter than"),
    "minimum": _bound(lambda v, r: v >= r, _number, "below"),
    "maximum": _bound(lambda v, r: v <= r, _number, "above"),
    "maxItems": _bound(lambda v, r: len(v) <= r, lambda v: isinstance(v, list), "more items than"),
    "minItems": _bound(lambda v, r: len(v) >= r, lambda v: isinstance(v, list), "fewer items than"),
    "items": _items,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "propertyNames": _property_names,
    "minProperties": _bound(
        lambda v, r: len(v) >= r, lambda v: isinstance(v, dict), "fewer properties than"
    ),
    "anyOf": _any_of,
}


class Core12Loader(yaml.SafeLoader):
    """PyYAML reading plain scalars with YAML 1.2's core schema, as editors' YAML servers do."""


Core12Loader.yaml_implicit_resolvers = {}
for _tag, _form, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    Core12Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_form})\\Z"), list(_first)
    )


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # an editor reads a number of any length
    try:
        return int(text)
    finally:
        sys.set_int_max_str_digits(limit)


def _core_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    return float(text.replace(".", "") if text.lstrip("+-") in (".inf", ".nan") else text)


Core12Loader.add_constructor("tag:yaml.org,2002:int", _core_int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _core_float)


def _core_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


Core12Loader.add_constructor("tag:yaml.org,2002:bool", _core_bool)


def read_as_editors_do(text: str) -> Any:
    """The JSON value an editor checks against the schema."""
    return yaml.load(text, Loader=Core12Loader)  # a safe loader, reading as YAML 1.2
