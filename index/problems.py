"""A problem found in a knowledge file, printed as `file:line: field: message`.

Its own module so that every loader (the Markdown files in index/knowledge.py, the places in
index/places_file.py) reports problems in one shape without importing each other.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file."""

    path: str
    line: int
    field: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


def field_name(loc: tuple[str | int, ...]) -> str:
    """A pydantic location as staff read it: `hours[1].opens` (lists count from 1)."""
    name = ""
    for part in loc:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


_FRIENDLY = {
    "missing": "this field is required but missing",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a group of 'name: value' lines",
    "model_type": "should be a group of 'name: value' lines",
    "model_attributes_type": "should be a group of 'name: value' lines",
    "date_type": "should be a date like 2026-11-27",
    "date_parsing": "should be a date like 2026-11-27",
    "date_from_datetime_parsing": "should be a date like 2026-11-27",
    "too_short": "should not be empty",
}


def pydantic_message(detail: Mapping[str, Any], kind: type, loc: tuple[str | int, ...]) -> str:
    """A pydantic error in plain words for staff; `kind` is the model validated, `loc` where."""
    kind_of_error = detail["type"]
    if kind_of_error == "extra_forbidden":
        return _unknown_field(kind, loc)
    if kind_of_error == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    if kind_of_error in _FRIENDLY:
        return _FRIENDLY[kind_of_error]
    message = str(detail["msg"]).replace("Input should be", "should be")
    value = detail.get("input")
    if isinstance(value, (str, int, float)) and len(str(value)) < 80:
        message = f"{value!r} {message}"
    return message


def _unknown_field(kind: type, loc: tuple[str | int, ...]) -> str:
    """'unknown field' with the known ones (and a likely typo fix) for the model at `loc`."""
    model = kind
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = getattr(model, "model_fields", {}).get(part)
        if annotation is None:
            break
        model = _inner_model(annotation.annotation) or model
    known = list(getattr(model, "model_fields", {}))
    name = str(loc[-1])
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field{hint}; known fields here: {', '.join(known)}"


def _inner_model(annotation: object) -> type | None:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if hasattr(candidate, "model_fields"):
            return cast(type, candidate)
        for inner in getattr(candidate, "__args__", ()):
            if hasattr(inner, "model_fields"):
                return cast(type, inner)
    return None
