"""One web server beside the bot, on the same event loop: the Telegram webhook, the staff console
and the operator endpoints in one ASGI app (python-telegram-bot's custom-webhook example, with
Starlette and uvicorn).

The webhook route is ours rather than PTB's built-in one because that one logs a whole update
body when it cannot parse it (learners' text in the log) and answers 500 to an empty or non-JSON
body: here every bad body gets a 4xx and a log line with its class only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable

import uvicorn
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.settings import Settings
from bot.staff.app import build_console_app, make_server
from bot.telegram.context import BotApplication, BotState

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1 << 20
"""Telegram's updates are a few kilobytes; anything over a mebibyte is not one (413)."""
SECRET_HEADER = "x-telegram-bot-api-secret-token"


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it grows past `limit` (nothing more is read)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def webhook_route(path: str, application: BotApplication, state: BotState, secret: str) -> Route:
    """POST `path`: the secret checked on every request (403), the body bounded (413) and parsed
    (400), then the update handled by the application's handlers (200 once they are done)."""

    async def telegram_update(request: Request) -> Response:
        if not secrets.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return PlainTextResponse("forbidden", status_code=403)
        try:
            body = await _bounded_body(request, MAX_UPDATE_BYTES)
        except ClientDisconnect:
            return PlainTextResponse("incomplete body", status_code=400)
        if body is None:
            return PlainTextResponse("body too large", status_code=413)
        try:
            data = json.loads(body)
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except Exception as error:  # malformed JSON or an object PTB cannot read: never log the body
            log.warning("webhook: unreadable update (%s)", type(error).__name__)
            update = None
        if update is None:
            return PlainTextResponse("not a Telegram update", status_code=400)
        # Answered before the 200, as Telegram's webhook expects: a replica that dies mid-answer
        # leaves the request unanswered, so Telegram (or the proxy) delivers it again elsewhere.
        await application.update_processor.process_update(update, application.process_update(update))
        if state.stores.updates.held_elsewhere(update.update_id):
            return PlainTextResponse("being answered by another replica: retry later", status_code=503)
        return Response(status_code=200)

    return Route("/" + path.lstrip("/"), telegram_update, methods=["POST"])


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before anything starts, so a busy port is one clear error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve_with_web(
    application: BotApplication,
    state: BotState,
    server_socket: socket.socket,
    *,
    webhook_path: str | None,
    on_started: Callable[[], Awaitable[None]],
) -> None:
    """Run the bot and the web app together until SIGINT/SIGTERM; polling when `webhook_path` is None."""
    settings: Settings = state.settings
    routes = []
    if webhook_path is not None and settings.webhook_secret is not None:
        routes.append(webhook_route(webhook_path, application, state, settings.webhook_secret.get_secret_value()))
    app = build_console_app(lambda: state.engine, state.gap_store, settings, extra_routes=routes)
    server: uvicorn.Server = make_server(app, settings)
    async with application:
        await application.start()
        await on_started()
        try:
            await server.serve(sockets=[server_socket])
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await application.stop()


class Stopped(Exception):
    """SIGTERM after uvicorn's graceful shutdown: a normal end (exit 0), not a crash."""


def _stopped(signum: int, frame: object) -> None:
    raise Stopped


def run_until_stopped(main: Awaitable[None]) -> None:
    """Run `main`; uvicorn shuts down gracefully on SIGINT/SIGTERM and then raises the signal
    again for the previous handler, which here turns SIGTERM into a normal return."""
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        asyncio.get_event_loop().run_until_complete(main)
    except (Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
