"""What the Telegram Bot API accepts, for the stand-in server in ``tests.support.fake_bot_api``.

Pure functions, no server state: the ``ApiError`` responses, UTF-16 lengths, the HTML /
MarkdownV2 / legacy Markdown parsers (which reject what Telegram rejects), validation of
texts, ``reply_markup``, coordinates and commands, and decoding of request parameters from
query strings and JSON, urlencoded or multipart bodies.
"""

from __future__ import annotations

import email.policy
import itertools
import json
import re
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

MAX_TEXT_UTF16 = 4096
MAX_CALLBACK_DATA_BYTES = 64
_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)
# Form fields whose string values are JSON (PTB json-dumps every non-str value).
_JSON_FIELDS = frozenset(
    [
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "latitude",
        "longitude",
        "horizontal_accuracy",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "max_connections",
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "allow_paid_broadcast",
    ]
)


class ApiError(Exception):
    """An error response: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(400, f"Bad Request: {detail}")

    @classmethod
    def flood(cls, retry_after: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


# --------------------------------------------------------------------------- text parsing


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for lengths and offsets."""
    return len(text.encode("utf-16-le")) // 2


def _entities_error(detail: str) -> ApiError:
    return ApiError.bad_request(f"can't parse entities: {detail}")


def _unclosed(name: str, offset: int) -> ApiError:
    return _entities_error(f"Can't find end of {name} entity at byte offset {offset}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


class _TextBuilder:
    """Accumulates plain text and entities with UTF-16 offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict[str, Any]] = []

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += utf16_len(chunk)

    def entity(self, kind: str, start: int, **extra: Any) -> None:
        if self.pos > start:
            self.entities.append({"type": kind, "offset": start, "length": self.pos - start, **extra})

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        return "".join(self.parts), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ATTR = r"""[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?"""
_TAG_RE = re.compile(rf"<(/?)([a-zA-Z][\w-]*)((?:\s+{_ATTR})*)\s*>")
_ATTR_RE = re.compile(r"""([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_attrs(raw: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR_RE.finditer(raw)}


def _html_entity(name: str, attrs: dict[str, str], stack: list) -> tuple[str | None, dict]:
    """Entity type and extra fields for a closed tag (``None`` = no entity)."""
    kind = _HTML_TAGS[name]
    if kind == "text_link":
        return ("text_link", {"url": attrs["href"]}) if attrs.get("href") else (None, {})
    if kind == "custom_emoji":
        return kind, {"custom_emoji_id": attrs.get("emoji-id", "")}
    if kind == "pre" and attrs.get("language"):
        return kind, {"language": attrs["language"]}
    if kind == "code" and stack and stack[-1][0] == "pre":
        language = attrs.get("class", "")
        if language.startswith("language-"):
            stack[-1][2]["language"] = language[len("language-") :]  # read when </pre> closes
        return None, {}
    if kind == "blockquote" and "expandable" in attrs:
        return "expandable_blockquote", {}
    return kind, {}


class _HtmlParser:
    """Telegram-flavoured HTML: supported tags only, balanced, ``&`` and ``<`` escaped."""

    def __init__(self, text: str) -> None:
        self.text, self.i, self.out = text, 0, _TextBuilder()
        self.stack: list[tuple[str, int, dict[str, str]]] = []  # (tag, start, attributes)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self.i < len(self.text):
            char = self.text[self.i]
            if char == "<":
                self.tag()
            elif char == "&":
                self.char_reference()
            else:
                self.out.add(char)
                self.i += 1
        if self.stack:
            raise _entities_error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        return self.out.result()

    def tag(self) -> None:
        match, offset = _TAG_RE.match(self.text, self.i), _byte_offset(self.text, self.i)
        if not match:
            raise _entities_error(f"Unclosed start tag at byte offset {offset}")
        self.i = match.end()
        name, attrs = match[2].lower(), _html_attrs(match[3])
        if match[1]:
            self.close_tag(name, offset)
        elif name not in _HTML_TAGS:
            raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
        elif name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entities_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        else:
            self.stack.append((name, self.out.pos, attrs))

    def close_tag(self, name: str, offset: int) -> None:
        if not self.stack:
            raise _entities_error(f"Unexpected end tag at byte offset {offset}")
        if self.stack[-1][0] != name:
            expected = self.stack[-1][0]
            raise _entities_error(f'Unmatched end tag at byte offset {offset}, expected "</{expected}>", found "</{name}>"')
        tag, start, attrs = self.stack.pop()
        kind, extra = _html_entity(tag, attrs, self.stack)
        if kind:
            self.out.entity(kind, start, **extra)

    def char_reference(self) -> None:
        match, offset = _ENTITY_RE.match(self.text, self.i), _byte_offset(self.text, self.i)
        if not match:
            raise _entities_error(f"Unsupported HTML entity at byte offset {offset}")
        code = int(match[2]) if match[2] else int(match[3], 16) if match[3] else None
        if code is not None and not 0 < code <= 0x10FFFF:
            raise _entities_error(f"Invalid character code at byte offset {offset}")
        self.out.add(_NAMED_ENTITIES[match[1]] if match[1] else chr(code))
        self.i = match.end()


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into plain text and entities, or raise ``ApiError``."""
    return _HtmlParser(text).parse()


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


class _MarkdownV2Parser:
    """Single-pass MarkdownV2 parser that enforces the escaping rules."""

    def __init__(self, text: str) -> None:
        self.text, self.i, self.out = text, 0, _TextBuilder()
        self.stack: list[tuple[str, int, int]] = []  # (kind, start, byte offset)
        self.quote: tuple[int, str] | None = None

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        text = self.text
        while self.i < len(text):
            if self.i == 0 or text[self.i - 1] == "\n":
                self.line_start()
                if self.i >= len(text):
                    break
            self.step(text[self.i])
        self.end_quote(self.out.pos)
        if self.stack:
            kind, _, offset = self.stack[-1]
            raise _unclosed(_MDV2_NAMES[kind], offset)
        return self.out.result()

    def line_start(self) -> None:
        for marker, kind in (("**>", "expandable_blockquote"), (">", "blockquote")):
            if self.text.startswith(marker, self.i):
                self.i += len(marker)
                if self.quote is None:
                    self.quote = (self.out.pos, kind)
                return
        self.end_quote(self.out.pos - 1)  # exclude the newline

    def end_quote(self, end: int) -> None:
        if self.quote is not None:
            start, kind = self.quote
            self.quote, saved = None, self.out.pos
            self.out.pos = end
            self.out.entity(kind, start)
            self.out.pos = saved

    def step(self, char: str) -> None:
        text, i = self.text, self.i
        two = text[i : i + 2]
        if char == "\\":
            escaped = text[i + 1 : i + 2]
            valid = bool(escaped) and 0 < ord(escaped) < 127
            self.out.add(escaped if valid else "\\")
            self.i += 2 if valid else 1
        elif char == "`":
            self.code_block() if text.startswith("```", i) else self.inline_code()
        elif (
            two == "||"
            and self.quote
            and self.quote[1] == "expandable_blockquote"
            and (text[i + 2 : i + 3] in ("", "\n") and not any(k == "spoiler" for k, *_ in self.stack))
        ):
            self.i += 2  # end marker of an expandable blockquote
        elif two in ("__", "||"):
            self.toggle("underline" if two == "__" else "spoiler", 2)
        elif char in "*_~":
            self.toggle({"*": "bold", "_": "italic", "~": "strikethrough"}[char], 1)
        elif char == "[" or two == "![":
            kind = "text_link" if char == "[" else "custom_emoji"
            self.stack.append((kind, self.out.pos, _byte_offset(text, i)))
            self.i += 1 if char == "[" else 2
        elif char == "]" and self.stack and self.stack[-1][0] in ("text_link", "custom_emoji"):
            self.close_link()
        elif char in _MDV2_RESERVED:
            raise _entities_error(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")
        else:
            self.out.add(char)
            self.i += 1

    def toggle(self, kind: str, width: int) -> None:
        if self.stack and self.stack[-1][0] == kind:
            _, start, _ = self.stack.pop()
            self.out.entity(kind, start)
        elif any(k == kind for k, *_ in self.stack):
            top_kind, _, offset = self.stack[-1]
            raise _unclosed(_MDV2_NAMES[top_kind], offset)
        else:
            self.stack.append((kind, self.out.pos, _byte_offset(self.text, self.i)))
        self.i += width

    def read_until(self, terminator: str, kind: str) -> str:
        """Read escaped content up to ``terminator``; leave ``i`` after it."""
        start_offset, chunk = _byte_offset(self.text, self.i), []
        while self.i < len(self.text):
            if self.text.startswith(terminator, self.i):
                self.i += len(terminator)
                return "".join(chunk)
            if self.text[self.i] == "\\" and self.i + 1 < len(self.text):
                self.i += 1
            chunk.append(self.text[self.i])
            self.i += 1
        raise _unclosed(kind, start_offset)

    def inline_code(self) -> None:
        self.i += 1
        start = self.out.pos
        self.out.add(self.read_until("`", "Code"))
        self.out.entity("code", start)

    def code_block(self) -> None:
        self.i += 3
        _add_pre(self.out, self.read_until("```", "Pre"))

    def close_link(self) -> None:
        kind, start, offset = self.stack.pop()
        if self.text[self.i + 1 : self.i + 2] != "(":
            raise _unclosed(_MDV2_NAMES[kind], offset)
        self.i += 2
        url = self.read_until(")", _MDV2_NAMES[kind])
        if kind == "custom_emoji":
            match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
            if not match:
                raise _entities_error(f"Custom emoji URL '{url}' is invalid")
            self.out.entity(kind, start, custom_emoji_id=match[1])
        else:
            self.out.entity(kind, start, url=url)


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (escaping rules enforced) into plain text and entities."""
    return _MarkdownV2Parser(text).parse()


def _add_pre(out: _TextBuilder, block: str) -> None:
    """Add a code block: ``"python\\ncode"`` is ``code`` in Python; no newline, no language."""
    language, newline, body = block.partition("\n")
    language, body = (language, body) if newline else ("", block)
    start = out.pos
    out.add(body)
    out.entity("pre", start, **({"language": language} if language.strip() else {}))


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy ``Markdown``: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out, i = _TextBuilder(), 0
    markers = {"*": "bold", "_": "italic", "`": "code"}

    def find(token: str, start: int, origin: int) -> int:
        end = text.find(token, start)
        if end < 0:
            offset = _byte_offset(text, origin)
            raise _entities_error(f"Can't find end of the entity starting at byte offset {offset}")
        return end

    while i < len(text):
        char, start = text[i], out.pos
        if char == "\\" and text[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.add(text[i + 1])
            i += 2
        elif text.startswith("```", i):
            end = find("```", i + 3, i)
            _add_pre(out, text[i + 3 : end])
            i = end + 3
        elif char in markers:
            end = find(char, i + 1, i)
            out.add(text[i + 1 : end])
            out.entity(markers[char], start)
            i = end + 1
        elif char == "[":
            close = find("](", i + 1, i)
            end = find(")", close + 2, i)
            out.add(text[i + 1 : close])
            out.entity("text_link", start, url=text[close + 2 : end])
            i = end + 1
        else:
            out.add(char)
            i += 1
    return out.result()


def parse_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, list[dict]]:
    """Plain text and entities for ``text`` as Telegram would render it."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, list(entities or [])
    parsers = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
    if mode not in parsers:
        raise ApiError.bad_request("unsupported parse_mode")
    return parsers[mode](text)


# --------------------------------------------------------------------------- parameter validation


def validate_text(params: dict[str, Any]) -> tuple[str, list[dict]]:
    """Plain text and entities of a message's ``text``, ``parse_mode`` and ``entities``."""
    text = params.get("text")
    if text is None or not str(text).strip():
        raise ApiError.bad_request("message text is empty")
    plain, entities = parse_text(str(text), params.get("parse_mode"), params.get("entities"))
    if not plain.strip():
        raise ApiError.bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT_UTF16:
        raise ApiError.bad_request("message is too long")
    return plain, entities


def validate_coordinates(params: dict[str, Any], required: tuple[str, ...]) -> None:
    """Check that ``required`` fields are present and latitude/longitude are in range."""
    for name in required:
        if params.get(name) in (None, ""):
            raise ApiError.bad_request(f'parameter "{name}" is required')
    for name, bound in (("latitude", 90), ("longitude", 180)):
        if not isinstance(params[name], (int, float)) or isinstance(params[name], bool):
            raise ApiError.bad_request(f'field "{name}" must be a Number')
        if abs(params[name]) > bound:
            raise ApiError.bad_request(f"wrong {name}")


def validate_chat_action(params: dict[str, Any]) -> None:
    if params.get("action") not in _CHAT_ACTIONS:
        raise ApiError.bad_request("wrong parameter action in request")


def validate_commands(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``commands`` of ``setMyCommands``, checked like Telegram does."""
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError.bad_request("commands must be an Array of at most 100 BotCommand")
    for command in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise ApiError.bad_request("command description is empty or too long")
    return commands


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
        raise ApiError.bad_request("can't parse inline keyboard button: Text must be non-empty")
    if "callback_data" in button:
        data = str(button["callback_data"]).encode("utf-8")
        if not 1 <= len(data) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        url = str(button["url"])
        if not re.match(r"(?i)(https?://[^\s/?#]+|tg://\w)", url):
            raise ApiError.bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    elif not any(
        key in button
        for key in (
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "web_app",
            "login_url",
            "pay",
            "callback_game",
            "copy_text",
            "switch_inline_query_chosen_chat",
        )
    ):
        raise ApiError.bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate ``reply_markup`` like Telegram; return it (or ``None`` if absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    rows_key = next((key for key in ("inline_keyboard", "keyboard") if key in markup), None)
    if rows_key is None:
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise ApiError.bad_request("can't parse reply keyboard markup JSON object")
    rows = markup[rows_key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError.bad_request(f'field "{rows_key}" of the {rows_key} must be an Array of Arrays')
    for button in itertools.chain.from_iterable(rows):
        if rows_key == "inline_keyboard":
            _validate_inline_button(button)
        elif not str(button.get("text", "") if isinstance(button, dict) else button).strip():
            raise ApiError.bad_request("keyboard button text must be non-empty")
    return markup


# --------------------------------------------------------------------------- request parsing


def _decode_field(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name == "chat_id":
        return int(value) if re.fullmatch(r"-?\d+", value) else value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            if name == "reply_markup":
                raise ApiError.bad_request("can't parse reply keyboard markup JSON object") from None
    return value


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        fields[name] = {"filename": filename, "content": payload} if filename else payload.decode()
    return fields


def parse_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Request parameters from the query string plus a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    if body and kind == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise ApiError.bad_request("can't parse JSON request body") from None
        if not isinstance(data, dict):
            raise ApiError.bad_request("JSON request body must be an object")
        params.update(data)
    elif body and kind == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    elif body and kind == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    return {name: _decode_field(name, value) for name, value in params.items()}
