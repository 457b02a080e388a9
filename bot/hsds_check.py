"""Checking exported HSDS documents against a schema (HSDS 3.0's compiled organization.json, or a
stand-in in tests), more strictly than the schema alone: a field it does not define is a problem."""

from __future__ import annotations

import copy
from typing import Any

from bot.hsds_attributes import Json


def _strict(node: Any) -> None:
    """Forbid fields a schema does not define, as the HSDS specification's own example check does."""
    if isinstance(node, dict):
        if "properties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _strict(value)
    elif isinstance(node, list):
        for item in node:
            _strict(item)


def schema_problems(documents: list[Json], schema: Json) -> list[str]:
    """Every way `documents` break `schema` (e.g. HSDS 3.0's compiled organization.json), strictly:
    no field the schema does not define, formats such as uuid and email checked."""
    from jsonschema import Draft202012Validator, FormatChecker

    strict = copy.deepcopy(schema)
    _strict(strict)
    validator = Draft202012Validator(strict, format_checker=FormatChecker())
    return [
        f"{d.get('name', '?')}: {'/'.join(map(str, e.absolute_path)) or '-'}: {e.message}"
        for d in documents
        for e in validator.iter_errors(d)
    ]
