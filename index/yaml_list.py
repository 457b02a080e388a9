"""Read a staff-edited YAML file that is a list of entries (places.yaml, off-topic.yaml).

Every problem is reported as `file:line: field: message`, the way Markdown knowledge files are:
an unreadable or non-UTF-8 file, a YAML syntax error, a field given twice, and each entry that
does not fit its model. Valid entries are returned even when others are broken.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from index import frontmatter
from index.problems import Problem, field_name, pydantic_message

Entry = TypeVar("Entry", bound=BaseModel)


@dataclass
class ListFile(Generic[Entry]):
    """The valid entries with their position in the list, the parse (for lines), problems and hash."""

    entries: list[tuple[int, Entry]] = field(default_factory=list)
    parsed: frontmatter.FrontMatter | None = None
    problems: list[Problem] = field(default_factory=list)
    sha256: str | None = None


def read_list(path: Path, model: type[Entry], what: str, first_field: str) -> ListFile[Entry]:
    """Read `path` as a list of `model` entries; never raises for bad content. `what` (e.g.
    "places") and `first_field` (the field each entry starts with) word the message for a file
    that is not a list."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return ListFile(problems=[Problem(shown, 0, "-", f"the file cannot be read ({error.strerror or type(error).__name__})")])
    sha = hashlib.sha256(raw).hexdigest()
    try:
        parsed = frontmatter.parse_yaml(raw.decode("utf-8-sig"), 0, empty=[])
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return ListFile(problems=[Problem(shown, line, "-", "the file is not UTF-8 text: save it as UTF-8 in your editor")], sha256=sha)
    except frontmatter.FrontMatterError as error:
        return ListFile(problems=[Problem(shown, error.line, "-", error.message)], sha256=sha)
    if not isinstance(parsed.data, list):
        message = f"the file must be a list of {what}, each starting with '- {first_field}: …'"
        return ListFile(parsed=parsed, problems=[Problem(shown, 1, "-", message)], sha256=sha)
    result: ListFile[Entry] = ListFile(parsed=parsed, sha256=sha)
    for dup_path, line in parsed.duplicates:
        result.problems.append(Problem(shown, line, field_name(dup_path), "this field is given twice: keep one"))
    for position, item in enumerate(parsed.data):
        try:
            result.entries.append((position, model.model_validate(item)))
        except ValidationError as error:
            for detail in error.errors(include_url=False):
                loc = (position, *detail["loc"])
                result.problems.append(
                    Problem(shown, parsed.line_of(loc), field_name(loc[1:]) or "-", pydantic_message(detail, model, loc[1:]))
                )
    return result
