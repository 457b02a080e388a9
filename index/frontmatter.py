"""Split a knowledge file into YAML front matter and body, keeping line numbers for messages.

PyYAML's composer gives every node its position, so each field of the parsed front matter can be
traced back to the line a staff member must fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

FieldPath = tuple[str | int, ...]


class FrontMatterError(Exception):
    """The file's front matter cannot be read; `line` is 1-based in the whole file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class FrontMatter:
    """Parsed front matter, the body below it and where each field stands in the file."""

    data: Any
    body: str
    body_line: int
    lines: dict[FieldPath, int] = field(default_factory=dict)
    duplicates: list[tuple[FieldPath, int]] = field(default_factory=list)

    def line_of(self, path: FieldPath) -> int:
        """Line of the field at `path`, or of its closest parent that exists."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


def split(text: str) -> FrontMatter:
    """Parse `text` (a whole file) as `---`, YAML, `---`, Markdown body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, "the file must start with a line '---', then the fields, then another '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise FrontMatterError(1, "the fields opened by '---' on line 1 are never closed by another '---' line")
    offset = 1  # the YAML starts on file line 2, and PyYAML counts from 0
    parsed = parse_yaml("".join(lines[1:end]), offset, empty={})
    if not isinstance(parsed.data, dict):
        raise FrontMatterError(2, "the fields between the '---' lines must be 'name: value' lines")
    parsed.body, parsed.body_line = "".join(lines[end + 1 :]), end + 2
    return parsed


def parse_yaml(yaml_text: str, offset: int = 0, empty: Any = None) -> FrontMatter:
    """Parse a YAML document that starts on file line `offset + 1`, keeping each field's line.

    Shared by the front matter of Markdown files and by whole YAML files (places.yaml), so both
    report syntax errors, duplicates and field lines the same way. `data` is `empty` for no YAML.
    """
    try:
        loader = yaml.SafeLoader(yaml_text)  # its reader refuses control characters at once
    except yaml.reader.ReaderError as error:
        line = yaml_text[: error.position].count("\n") + 1 + offset
        raise FrontMatterError(line, f"this line holds a character YAML does not allow (code {error.character!r}): delete it") from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else empty
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else 1
        message = f"the fields are not valid YAML: {error.problem or error}"
        context = error.context_mark
        if error.context and context is not None and context.line + 1 + offset != line:
            message += f" ({error.context} that starts on line {context.line + 1 + offset})"
        raise FrontMatterError(line, message) from None
    finally:
        loader.dispose()
    parsed = FrontMatter(data=data, body="", body_line=0)
    if node is not None:
        _map_lines(node, (), offset, parsed)
    return parsed


def _map_lines(node: yaml.Node, path: FieldPath, offset: int, front: FrontMatter) -> None:
    front.lines.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                front.duplicates.append((child, key_node.start_mark.line + 1 + offset))
                continue
            seen.add(key)
            front.lines[child] = key_node.start_mark.line + 1 + offset
            _map_lines(value_node, child, offset, front)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), offset, front)
