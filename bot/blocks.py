"""The block model of a reply and its two renderings.

A reply is a list of `Block`s so that each channel renders it its own way: plain text for the
console and JSON, escaped HTML for Telegram. Knowledge text is never trusted as markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["title", "text", "field", "link", "note", "item"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    value: str
    label: str = ""
    """A field's or link's name with its colon as its language writes it ("Pour qui :"), or an item's number or bullet."""


def render_text(blocks: list[Block]) -> str:
    """Plain text, for the console and `ask --json`."""
    lines: list[str] = []
    for block in blocks:
        if block.kind in ("title", "note") and lines:
            lines.append("")
        if block.kind in ("field", "link", "item"):
            lines.append(f"{block.label} {block.value}")
        else:
            lines.append(block.value)
    return "\n".join(lines).strip()


def render_html(blocks: list[Block]) -> str:
    """Telegram HTML: every dynamic fragment escaped, only fixed tags added."""
    lines: list[str] = []
    for block in blocks:
        value, label = html.escape(block.value, quote=False), html.escape(block.label, quote=False)
        if block.kind in ("title", "note") and lines:
            lines.append("")
        if block.kind == "title":
            lines.append(f"<b>{value}</b>")
        elif block.kind == "field":
            lines.append(f"<b>{label}</b> {value}")
        elif block.kind == "link":
            lines.append(f'<b>{label}</b> <a href="{html.escape(block.value, quote=True)}">{value}</a>')
        elif block.kind == "item":
            lines.append(f"{label} {value}")
        elif block.kind == "note":
            lines.append(f"<i>{value}</i>")
        else:
            lines.append(value)
    return "\n".join(lines).strip()
