"""A stand-in Telegram Bot API server for end-to-end tests.

``FakeBotApi`` runs a small HTTP server (standard library only) on 127.0.0.1
that speaks enough of the Bot API for a python-telegram-bot application to
poll for updates and send replies.  It is deliberately *strict*: it rejects the
same things real Telegram rejects (bad HTML/MarkdownV2, over-long texts, long
callback data, unknown chats, flood) so that tests catch those bugs early.  The
rules for texts, keyboards and request parameters live in ``tests.support.fake_telegram_rules``.

Usage::

    with FakeBotApi(TOKEN) as api:
        app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
        api.push_text(42, "/start")
        ...                                   # run the application
        calls = api.wait_for_sent(42, 1)      # or: await api.wait_for_sent_async(...)

Everything the test side calls is thread-safe.  Note that ``wait_for*`` block
the calling thread: inside ``async`` tests use the ``*_async`` variants so the
bot running on the same event loop can make progress.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# What Telegram accepts lives in ``fake_telegram_rules``; these names are re-exported here.
from tests.support.fake_telegram_rules import (
    ApiError,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    parse_params,
    parse_text,
    utf16_len,
    validate_chat_action,
    validate_commands,
    validate_coordinates,
    validate_reply_markup,
    validate_text,
)

__all__ = [
    "FLOOD_METHODS",
    "MESSAGE_METHODS",
    "ApiError",
    "FakeBotApi",
    "LoggedRequest",
    "RawRequest",
    "SentCall",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "parse_params",
    "parse_text",
    "utf16_len",
    "validate_reply_markup",
]

#: Methods counted by the per-chat flood control.
FLOOD_METHODS = frozenset({"sendMessage", "sendVenue", "sendLocation", "editMessageText"})
#: Methods that create or change a visible message (default for ``wait_for_sent``).
MESSAGE_METHODS = frozenset({"sendMessage", "sendVenue", "sendLocation", "editMessageText", "editMessageReplyMarkup"})
#: Read-only methods; every other successful call is recorded in ``sent()``.
_READ_ONLY = frozenset({"getMe", "getUpdates", "getWebhookInfo", "getMyCommands"})
_METHODS = [
    "getMe",
    "deleteWebhook",
    "setWebhook",
    "getWebhookInfo",
    "getUpdates",
    "sendMessage",
    "editMessageText",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
    "sendVenue",
    "sendLocation",
    "sendChatAction",
    "setMyCommands",
    "getMyCommands",
    "deleteMyCommands",
    "close",
    "logOut",
]
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a specified content and reply markup of the message"
)


@dataclass(frozen=True)
class SentCall:
    """One successful state-changing call made by the bot."""

    method: str
    params: dict[str, Any]
    result: Any
    chat_id: int | str | None
    time: float = field(default_factory=time.time)

    @property
    def text(self) -> str | None:
        return self.result.get("text") if isinstance(self.result, dict) else None


class LoggedRequest(NamedTuple):
    method: str
    status: int


class RawRequest(NamedTuple):
    http_method: str
    path: str
    headers: dict[str, str]
    body: bytes


# --------------------------------------------------------------------------- the server


class FakeBotApi:
    """In-process stand-in for ``https://api.telegram.org`` accepting a single bot token.

    ``flood_limit`` sends (see ``FLOOD_METHODS``) per chat are allowed within any
    ``flood_window`` seconds (``None`` disables flood control); the next one gets a 429 with
    ``retry_after`` and, as on Telegram, the chat stays blocked until that time has passed.
    Chats become known when an update mentions them (or via ``add_chat``); sending to any
    other chat fails with "chat not found".  Only inline keyboards are echoed back in
    ``Message.reply_markup`` (Telegram does the same).
    """

    def __init__(
        self,
        token: str = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
        *,
        bot_username: str = "test_bot",
        bot_first_name: str = "Test Bot",
        flood_limit: int | None = 5,
        flood_window: float = 1.0,
        retry_after: int = 1,
    ) -> None:
        self.token = token
        self.flood_limit, self.flood_window, self.retry_after = flood_limit, flood_window, retry_after
        bot_id = int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": bot_first_name, "username": bot_username}
        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._updates: list[dict] = []
        self._update_ids = itertools.count(10_001)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._allowed_updates: list[str] | None = None
        self._chats: dict[int | str, dict] = {}
        self._last_message_id: Counter[int | str] = Counter()
        self._messages: dict[tuple[int | str, int], dict] = {}
        self._pending_callbacks: set[str] = set()
        self._answered: list[dict] = []
        self._sent: list[SentCall] = []
        self._log: list[LoggedRequest] = []
        self._raw: list[RawRequest] = []
        self._send_times: dict[int | str, deque[float]] = {}
        self._blocked_until: dict[int | str, float] = {}
        self._forced: dict[str, deque[ApiError]] = {}
        self._webhook: dict[str, Any] = {"url": ""}
        self._commands: dict[tuple[str, str], list] = {}
        self._methods = {name.lower(): name for name in _METHODS}
        self._held_chats: set[int | str] = set()
        self._parked = 0
        self._drop_released = False

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotApi:
        if self._server is not None:
            raise RuntimeError("FakeBotApi already started")
        self._stopping = False
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name="FakeBotApi",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        with self._cond:
            self._stopping = True  # releases pending long polls
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url(...)``/``Bot(base_url=...)``."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ----------------------------------------------------------------- pushing updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an arbitrary update (``update_id`` is assigned if missing); returns its id."""
        with self._cond:
            update = dict(update)
            update.setdefault("update_id", next(self._update_ids))
            for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
                if isinstance(update.get(key), dict):
                    self._register_message(update[key], store=True)
            query = update.get("callback_query")
            if isinstance(query, dict):
                self._pending_callbacks.add(str(query["id"]))
                if isinstance(query.get("message"), dict):
                    self._register_message(query["message"], store=False)
            self._updates.append(update)
            self._cond.notify_all()
            return update["update_id"]

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str = "en",
        chat_type: str = "private",
        first_name: str = "Test",
        entities: list[dict] | None = None,
    ) -> int:
        """Queue a text message from a user; ``/commands`` get ``bot_command`` entities."""
        sender = {"user_id": user_id, "language_code": language_code, "chat_type": chat_type, "first_name": first_name}
        content = {"text": text, "entities": entities if entities is not None else _command_entities(text)}
        return self._push_message(chat_id, sender, content)

    def push_sticker(self, chat_id: int, emoji: str = "👍", **sender: Any) -> int:
        uid = f"sticker{next(self._file_ids)}"
        sticker = {
            "file_id": f"CAACAgI{uid}",
            "file_unique_id": uid,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._push_message(chat_id, sender, {"sticker": sticker})

    def push_photo(self, chat_id: int, caption: str | None = None, **sender: Any) -> int:
        uid = f"photo{next(self._file_ids)}"
        sizes = [
            {"file_id": f"AgAC{uid}{w}", "file_unique_id": f"{uid}{w}", "width": w, "height": w * 3 // 4, "file_size": w * 90}
            for w in (90, 320, 800)
        ]
        return self._push_message(chat_id, sender, {"photo": sizes, "caption": caption})

    def push_location(self, chat_id: int, latitude: float, longitude: float, **sender: Any) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._push_message(chat_id, sender, {"location": location})

    def push_edited_text(self, chat_id: int, message_id: int, text: str, **sender: Any) -> int:
        content = {"text": text, "entities": _command_entities(text)}
        return self._push_message(chat_id, sender, content, edited_id=message_id)

    def push_callback(self, chat_id: int, message_id: int, data: str, **sender: Any) -> str:
        """Queue a button press on ``message_id``; returns the ``callback_query_id``."""
        with self._cond:
            user, chat = self._sender(chat_id, **sender)
            message = self._messages.get((chat_id, message_id))
            if message is None:  # Telegram's InaccessibleMessage
                message = {"chat": chat, "message_id": message_id, "date": 0}
            query_id = str(next(self._callback_ids))
            query = {
                "id": query_id,
                "from": user,
                "message": dict(message),
                "data": data,
                "chat_instance": str(7_000_000_000_000 + abs(chat_id)),
            }
            self.push_update({"callback_query": query})
            return query_id

    def add_chat(self, chat_id: int, chat_type: str = "private", **fields: Any) -> None:
        """Make a chat known without pushing an update (so sends to it are accepted)."""
        with self._cond:
            self._chats[chat_id] = _chat_dict(chat_id, chat_type, fields.pop("first_name", "Test")) | fields

    # ----------------------------------------------------------------- inspection

    def sent(self, chat_id: int | str | None = None, *, methods: Iterable[str] | None = None) -> list[SentCall]:
        """Recorded successful state-changing calls, in order, optionally filtered."""
        wanted = set(methods) if methods is not None else None
        with self._cond:
            return [c for c in self._sent if (chat_id is None or c.chat_id == chat_id) and (wanted is None or c.method in wanted)]

    def wait_for(self, predicate: Callable[[list[SentCall]], bool], timeout: float = 5.0) -> list[SentCall]:
        """Block until ``predicate(sent calls)`` is true (re-checked after every request)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate(list(self._sent)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"condition not met within {timeout}s; {self._summary()}")
                self._cond.wait(remaining)
            return list(self._sent)

    def wait_for_sent(
        self,
        chat_id: int | str,
        count: int,
        timeout: float = 5.0,
        *,
        methods: Iterable[str] = MESSAGE_METHODS,
    ) -> list[SentCall]:
        """Block until ``count`` calls of ``methods`` targeted ``chat_id``; return them."""
        methods = frozenset(methods)
        self.wait_for(lambda _: len(self.sent(chat_id, methods=methods)) >= count, timeout)
        return self.sent(chat_id, methods=methods)

    async def wait_for_async(self, predicate: Callable[[list[SentCall]], bool], timeout: float = 5.0) -> list[SentCall]:
        """``wait_for`` for async tests: waits in a worker thread, keeping the event loop free."""
        return await asyncio.to_thread(self.wait_for, predicate, timeout)

    async def wait_for_sent_async(
        self,
        chat_id: int | str,
        count: int,
        timeout: float = 5.0,
        *,
        methods: Iterable[str] = MESSAGE_METHODS,
    ) -> list[SentCall]:
        """``wait_for_sent`` for async tests (the bot on the same event loop keeps running)."""
        return await asyncio.to_thread(self.wait_for_sent, chat_id, count, timeout, methods=methods)

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any] | None:
        """Current state (after edits) of a message the server knows about."""
        with self._cond:
            found = self._messages.get((chat_id, message_id))
            return dict(found) if found else None

    @property
    def answered_callbacks(self) -> list[dict[str, Any]]:
        with self._cond:
            return list(self._answered)

    @property
    def requests_log(self) -> list[LoggedRequest]:
        """``(method, status)`` for every request received, in order."""
        with self._cond:
            return list(self._log)

    @property
    def raw_requests(self) -> list[RawRequest]:
        """Every request's HTTP method, raw path (with query), headers and body."""
        with self._cond:
            return list(self._raw)

    @property
    def request_paths(self) -> list[str]:
        return [raw.path for raw in self.raw_requests]

    @property
    def too_many_requests_served(self) -> int:
        return self.count_status(429)

    def count_status(self, status: int) -> int:
        with self._cond:
            return sum(1 for entry in self._log if entry.status == status)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates not yet confirmed through ``getUpdates(offset=...)``."""
        with self._cond:
            return list(self._updates)

    @property
    def webhook(self) -> dict[str, Any]:
        with self._cond:
            return dict(self._webhook)

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``status`` (429 or 500)."""
        if status == 429:
            seconds = retry_after if retry_after is not None else self.retry_after
            error = ApiError.flood(seconds)
        else:
            error = ApiError(status, description or "Internal Server Error")
        with self._cond:
            name = self._methods.get(method.lower(), method)
            self._forced.setdefault(name, deque()).extend([error] * times)

    def hold_chats(self, chat_ids: Iterable[int | str]) -> None:
        """Park every send to these chats (before it is checked or recorded) until ``release_chats``:
        a bot process can then be killed at a known point, with replies requested but not delivered."""
        with self._cond:
            self._held_chats.update(chat_ids)

    @property
    def parked(self) -> int:
        """How many requests wait in ``hold_chats`` now."""
        with self._cond:
            return self._parked

    def release_chats(self, *, drop: bool) -> None:
        """Let parked requests go on, or (``drop``) fail them with 502 unrecorded, as requests from a
        process that died never reach Telegram."""
        with self._cond:
            self._held_chats.clear()
            self._drop_released = drop
            self._cond.notify_all()

    # ----------------------------------------------------------------- request handling

    def handle(self, http_method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        """Process one HTTP request; returns ``(status, JSON payload)``."""
        with self._cond:
            self._raw.append(RawRequest(http_method, path, headers, body))
            url = urlsplit(path)
            match = re.fullmatch(r"/bot([^/]*)/([^/]*)", url.path)
            if not match:
                return self._finish("?", ApiError(404, "Not Found"))
            token, raw_method = match.groups()
            method = self._methods.get(raw_method.lower())
            if token != self.token:
                return self._finish(method or raw_method, ApiError(401, "Unauthorized"))
            if method is None:
                return self._finish(raw_method, ApiError(404, "Not Found"))
            try:
                forced = self._forced.get(method)
                if forced:
                    raise forced.popleft()
                content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
                params = parse_params(content_type, body, url.query)
                if method in FLOOD_METHODS and params.get("chat_id") in self._held_chats:
                    self._parked += 1
                    self._cond.notify_all()
                    while params.get("chat_id") in self._held_chats:
                        self._cond.wait()
                    self._parked -= 1
                    if self._drop_released:
                        raise ApiError(502, "Bad Gateway: the sender is gone")
                result = getattr(self, f"_api_{method}")(params)
            except ApiError as error:
                return self._finish(method, error)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:  # malformed params
                return self._finish(method, ApiError.bad_request(f"invalid parameters: {exc!r}"))
            except Exception as exc:  # a bug in this fake: make it loud, not a hung request
                traceback.print_exc()
                return self._finish(method, ApiError(500, f"Internal Server Error: FakeBotApi bug {exc!r}"))
            if method not in _READ_ONLY:
                self._sent.append(SentCall(method, params, result, params.get("chat_id")))
            return self._finish(method, result)

    def _finish(self, method: str, outcome: Any) -> tuple[int, dict]:
        if isinstance(outcome, ApiError):
            status, payload = outcome.code, outcome.payload()
        else:
            status, payload = 200, {"ok": True, "result": outcome}
        self._log.append(LoggedRequest(method, status))
        self._cond.notify_all()
        return status, payload

    def _summary(self) -> str:
        calls = ", ".join(f"{c.method}->{c.chat_id}" for c in self._sent[-10:])
        errors = [entry for entry in self._log if entry.status != 200][-5:]
        return f"last sent: [{calls}]; last errors: {errors}"

    # ----------------------------------------------------------------- state helpers

    def _sender(
        self, chat_id: int, *, user_id: int | None = None, language_code: str = "en", chat_type: str = "private", first_name: str = "Test"
    ) -> tuple[dict, dict]:
        user_id = user_id if user_id is not None else (chat_id if chat_type == "private" else 1_000_001)
        user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}
        return user, _chat_dict(chat_id, chat_type, first_name)

    def _push_message(self, chat_id: int, sender: dict[str, Any], content: dict[str, Any], edited_id: int | None = None) -> int:
        """Queue a user's message (or an edit of ``edited_id``) as an update."""
        with self._cond:
            user, chat = self._sender(chat_id, **sender)
            now = int(time.time())
            message_id = edited_id if edited_id is not None else self._last_message_id[chat_id] + 1
            message = {"message_id": message_id, "from": user, "chat": chat, "date": now}
            message.update(_non_empty(content))
            if edited_id is None:
                return self.push_update({"message": message})
            return self.push_update({"edited_message": {**message, "edit_date": now}})

    def _register_message(self, message: dict[str, Any], *, store: bool) -> None:
        chat_id = message["chat"]["id"]
        self._chats[chat_id] = message["chat"]
        message_id = message.get("message_id", 0)
        self._last_message_id[chat_id] = max(self._last_message_id[chat_id], message_id)
        if store:  # edits replace the stored version
            self._messages[(chat_id, message_id)] = message

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("chat_id") in ("", None):
            raise ApiError.bad_request("chat_id is empty")
        chat = self._chats.get(params["chat_id"])
        if chat is None:
            raise ApiError.bad_request("chat not found")
        return chat

    def _check_flood(self, method: str, chat_id: int | str) -> None:
        """Sliding-window flood control; after a 429 the chat stays blocked for ``retry_after``."""
        if self.flood_limit is None or method not in FLOOD_METHODS:
            return
        now = time.monotonic()
        blocked_until = self._blocked_until.get(chat_id, 0.0)
        if now < blocked_until:
            raise ApiError.flood(max(1, math.ceil(blocked_until - now)))
        window = self._send_times.setdefault(chat_id, deque())
        while window and now - window[0] >= self.flood_window:
            window.popleft()
        if len(window) >= self.flood_limit:
            self._blocked_until[chat_id] = now + self.retry_after
            raise ApiError.flood(self.retry_after)
        window.append(now)

    def _new_message(self, method: str, chat: dict, params: dict[str, Any], **content: Any) -> dict:
        reply_to = self._reply_target(chat["id"], params)
        self._check_flood(method, chat["id"])
        self._last_message_id[chat["id"]] += 1
        message = {"message_id": self._last_message_id[chat["id"]], "from": self.bot_user, "chat": chat, "date": int(time.time())}
        if reply_to:
            message["reply_to_message"] = reply_to
        message.update(_non_empty(content))
        self._messages[(chat["id"], message["message_id"])] = message
        return dict(message)

    def _reply_target(self, chat_id: int | str, params: dict[str, Any]) -> dict | None:
        reply = params.get("reply_parameters") or {}
        target = reply.get("message_id", params.get("reply_to_message_id"))
        if target is None:
            return None
        found = self._messages.get((reply.get("chat_id", chat_id), int(target)))
        if found is None and not (reply.get("allow_sending_without_reply") or params.get("allow_sending_without_reply")):
            raise ApiError.bad_request("message to be replied not found")
        return {k: v for k, v in found.items() if k != "reply_to_message"} if found else None

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message = self._messages.get((chat["id"], params.get("message_id")))
        if message is None:
            raise ApiError.bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise ApiError.bad_request("message can't be edited")
        return message

    # ----------------------------------------------------------------- Bot API methods

    def _api_getMe(self, params: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_deleteWebhook(self, params: dict) -> bool:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_setWebhook(self, params: dict) -> bool:
        url = str(params.get("url", ""))
        if url and not url.lower().startswith("https://"):
            raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {"url": ""}
        return True

    def _api_getWebhookInfo(self, params: dict) -> dict:
        info = {"url": self._webhook["url"], "has_custom_certificate": False, "pending_update_count": len(self._updates)}
        if self._webhook["url"]:
            info.update(max_connections=self._webhook.get("max_connections", 40), ip_address="127.0.0.1")
        return info

    def _api_getUpdates(self, params: dict) -> list[dict]:
        if self._webhook["url"]:
            raise ApiError(
                409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
            )
        offset, limit = int(params.get("offset") or 0), min(max(int(params.get("limit") or 100), 1), 100)
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"]) or None
        if offset < 0:
            del self._updates[: max(0, len(self._updates) + offset)]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + max(0.0, float(params.get("timeout") or 0))
        while True:
            batch = [u for u in self._updates if self._allowed(u)][:limit]
            remaining = deadline - time.monotonic()
            if batch or self._stopping or remaining <= 0:
                return batch
            self._cond.wait(remaining)

    def _allowed(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        return self._allowed_updates is None or bool(kinds & set(self._allowed_updates))

    def _api_sendMessage(self, params: dict) -> dict:
        chat = self._chat(params)
        text, entities = validate_text(params)
        markup = _reply_markup(params)
        content = {"text": text, "entities": entities, "reply_markup": markup}
        return self._new_message("sendMessage", chat, params, **content)

    def _api_editMessageText(self, params: dict) -> dict | bool:
        text, entities = validate_text(params)
        markup = _reply_markup(params)
        if params.get("inline_message_id"):
            return True
        message = self._editable(params)
        if "text" not in message:
            raise ApiError.bad_request("there is no text in the message to edit")
        new = {"text": text, "entities": entities or None, "reply_markup": markup}
        return self._apply_edit("editMessageText", message, new)

    def _api_editMessageReplyMarkup(self, params: dict) -> dict | bool:
        markup = _reply_markup(params)
        if params.get("inline_message_id"):
            return True
        return self._apply_edit("editMessageReplyMarkup", self._editable(params), {"reply_markup": markup})

    def _apply_edit(self, method: str, message: dict, new: dict[str, Any]) -> dict:
        if all(message.get(key) == value for key, value in new.items()):
            raise ApiError.bad_request(_NOT_MODIFIED)
        self._check_flood(method, message["chat"]["id"])
        for key, value in new.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return dict(message)

    def _api_answerCallbackQuery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._pending_callbacks:
            raise ApiError.bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text", ""))) > 200:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        self._pending_callbacks.discard(query_id)
        self._answered.append(dict(params))
        return True

    def _api_sendVenue(self, params: dict) -> dict:
        chat = self._chat(params)
        validate_coordinates(params, ("latitude", "longitude", "title", "address"))
        markup = _reply_markup(params)
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        venue = {"location": location, "title": str(params["title"]), "address": str(params["address"])}
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key):
                venue[key] = params[key]
        content = {"venue": venue, "location": location, "reply_markup": markup}
        return self._new_message("sendVenue", chat, params, **content)

    def _api_sendLocation(self, params: dict) -> dict:
        chat = self._chat(params)
        validate_coordinates(params, ("latitude", "longitude"))
        markup = _reply_markup(params)
        location = {"latitude": params["latitude"], "longitude": params["longitude"]}
        return self._new_message("sendLocation", chat, params, location=location, reply_markup=markup)

    def _api_sendChatAction(self, params: dict) -> bool:
        self._chat(params)
        validate_chat_action(params)
        return True

    @staticmethod
    def _commands_key(params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _api_setMyCommands(self, params: dict) -> bool:
        self._commands[self._commands_key(params)] = validate_commands(params)
        return True

    def _api_getMyCommands(self, params: dict) -> list[dict]:
        return list(self._commands.get(self._commands_key(params), []))

    def _api_deleteMyCommands(self, params: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _api_close(self, params: dict) -> bool:
        return True

    _api_logOut = _api_close


def _chat_dict(chat_id: int, chat_type: str, first_name: str) -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": first_name}
    return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}


def _command_entities(text: str) -> list[dict[str, Any]]:
    pattern = r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?"
    return [{"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])} for m in re.finditer(pattern, text)]


def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """Validate ``reply_markup``; Telegram echoes only inline keyboards in ``Message.reply_markup``."""
    markup = validate_reply_markup(params.get("reply_markup"))
    return markup if markup and "inline_keyboard" in markup else None


def _non_empty(content: dict[str, Any]) -> dict[str, Any]:
    """Message fields without the absent (``None``) or empty-list ones."""
    return {k: v for k, v in content.items() if v not in (None, [])}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, api: FakeBotApi) -> None:
        self.api = api
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def do_POST(self) -> None:
        status, payload = self.server.api.handle(self.command, self.path, dict(self.headers.items()), self._read_body())
        data = json.dumps(payload, ensure_ascii=False).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, format: str, *args: Any) -> None:
        pass
