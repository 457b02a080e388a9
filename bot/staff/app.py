"""The console as one Starlette app: staff pages behind a session, /healthz and /metrics for
operators, and any extra routes the caller brings (the Telegram webhook in `telecentre serve`).

Following python-telegram-bot's custom-webhook example, `make_server` returns a uvicorn server
whose `serve()` runs on the caller's event loop beside the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import uvicorn
from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import metrics
from bot.engine import Engine
from bot.gap_report import csv_text
from bot.gaps import GapStore
from bot.i18n import language_name
from bot.settings import Settings
from bot.staff import auth, pages
from bot.staff.i18n import negotiate, phrase
from index.schema import LANGUAGES, Lang, is_lang

HERE = Path(__file__).parent
PUBLIC = ("/login", "/static", "/healthz", "/metrics")
"""Paths that answer without a session; every other console path needs one."""
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]

EngineGetter = Callable[[], Engine | None]
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class Console:
    """What the handlers share."""

    engine: EngineGetter
    gaps: GapStore
    settings: Settings
    templates: Jinja2Templates
    sessions: auth.SessionStore = field(default_factory=auth.SessionStore)
    limiter: auth.RateLimiter = field(default_factory=auth.RateLimiter)
    today: Callable[[], dt.date] = dt.date.today

    @property
    def password_hash(self) -> str | None:
        secret = self.settings.staff_password_hash
        return secret.get_secret_value() if secret else None

    @property
    def secure(self) -> bool:
        return self.settings.console_secure


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def _lang(request: Request) -> Lang:
    """?lang= (remembered in a cookie), else the cookie, else Accept-Language, else English."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(auth.LANG_COOKIE)):
        if is_lang(candidate):
            return candidate
    return negotiate(request.headers.get("accept-language")) or "en"


def _render(request: Request, name: str, context: dict, status_code: int = 200, session: auth.Session | None = None) -> Response:
    console = _console(request)
    lang = _lang(request)
    context = {
        "lang": lang,
        "t": lambda key, **values: phrase(lang, key, **values),
        "languages": [(code, language_name(code, code)) for code in LANGUAGES],
        "path": request.url.path,
        "session": session,
        "csrf": session.csrf if session else "",
        **context,
    }
    response = console.templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    if request.query_params.get("lang") in LANGUAGES:
        auth.set_cookie(response, auth.LANG_COOKIE, lang, console.secure, max_age=365 * 86400)
    return response


def staff_only(handler: Callable[[Request, auth.Session], Awaitable[Response]]) -> Handler:
    """Run `handler` only with a live session; a POST must also carry the session's CSRF token."""

    async def wrapped(request: Request) -> Response:
        console = _console(request)
        session = console.sessions.get(request.cookies.get(auth.SESSION_COOKIE))
        if session is None:
            if request.method != "GET":
                return PlainTextResponse("Forbidden: log in first", status_code=403)
            return RedirectResponse("/login?next=" + quote(request.url.path), status_code=303)
        if request.method == "POST":
            form = await request.form()
            if not auth.same_token(session.csrf, form.get("csrf")):
                return _render(request, "error.html", {"message": phrase(_lang(request), "bad_form")}, 403, session)
        return await handler(request, session)

    wrapped.__name__ = getattr(handler, "__name__", "page")
    wrapped.__doc__ = handler.__doc__
    return wrapped


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme), else the overview."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def login_page(request: Request) -> Response:
    """The login form, with a fresh CSRF token in a cookie and in the form (double submit)."""
    token = auth.new_token()
    response = _render(request, "login.html", {"login_csrf": token, "next": _safe_next(request.query_params.get("next"))})
    auth.set_cookie(response, auth.LOGIN_COOKIE, token, _console(request).secure, max_age=3600)
    return response


async def login(request: Request) -> Response:
    """Check the password (5 attempts a minute per address), then start a new session."""
    console = _console(request)
    lang = _lang(request)
    token = auth.new_token()

    def again(message: str, status: int) -> Response:
        response = _render(request, "login.html", {"login_csrf": token, "next": next_page, "error": message}, status)
        auth.set_cookie(response, auth.LOGIN_COOKIE, token, console.secure, max_age=3600)
        return response

    form = await request.form()
    next_page = _safe_next(str(form.get("next") or ""))
    if not console.limiter.allow(auth.client_address(request)):
        response = again(phrase(lang, "too_many"), 429)
        response.headers["retry-after"] = str(int(console.limiter.window))
        return response
    if not auth.same_token(request.cookies.get(auth.LOGIN_COOKIE), form.get("csrf")):
        return again(phrase(lang, "bad_form"), 403)
    password = form.get("password")
    hashed = console.password_hash
    if not isinstance(password, str) or not hashed or not await asyncio.to_thread(auth.verify_password, hashed, password):
        return again(phrase(lang, "wrong_password"), 200)  # a form shown again, as browsers expect (a 4xx is logged as a console error)
    console.sessions.drop(request.cookies.get(auth.SESSION_COOKIE))  # never reuse a session id
    session = console.sessions.create()
    response = RedirectResponse(next_page, status_code=303)
    auth.set_cookie(response, auth.SESSION_COOKIE, session.token, console.secure)
    auth.clear_cookie(response, auth.LOGIN_COOKIE, console.secure)
    return response


@staff_only
async def logout(request: Request, session: auth.Session) -> Response:
    """End the session on the server and in the browser."""
    console = _console(request)
    console.sessions.drop(session.token)
    response = RedirectResponse("/login?out=1", status_code=303)
    auth.clear_cookie(response, auth.SESSION_COOKIE, console.secure)
    return response


@staff_only
async def overview(request: Request, session: auth.Session) -> Response:
    """Index served, problems and freshness warnings, answers and refusals over the last days."""
    console = _console(request)
    engine = console.engine()
    settings = console.settings
    found = await asyncio.to_thread(pages.problems, settings.knowledge_dir, settings.freshness_days, console.today())
    counts = await asyncio.to_thread(pages.answer_table, console.gaps, pages.COUNT_DAYS)
    context = {"index": pages.index_summary(engine), "problems": found, "counts": counts, "days": pages.COUNT_DAYS}
    return _render(request, "overview.html", context, session=session)


def _since(request: Request) -> int | None:
    value = request.query_params.get("days", "")
    return int(value) if value.isdigit() and 0 < int(value) <= 3650 else None


@staff_only
async def gaps_page(request: Request, session: auth.Session) -> Response:
    """Recorded questions grouped by meaning, biggest first, with 👍/👎 per passage."""
    console = _console(request)
    engine = console.engine()
    lang = _lang(request)
    if engine is None:
        return _render(request, "error.html", {"message": phrase(lang, "no_index")}, 503, session)
    since = _since(request)
    view = await asyncio.to_thread(pages.gap_view, engine, console.gaps, since, lang)
    titles = {group.fallback: pages.title_of(engine, group.fallback, lang) for group in view.groups}
    return _render(request, "gaps.html", {"view": view, "titles": titles, "since": since or ""}, session=session)


@staff_only
async def gaps_csv(request: Request, session: auth.Session) -> Response:
    """The same groups as a CSV file (learners' words never start a formula)."""
    console = _console(request)
    engine = console.engine()
    if engine is None:
        return PlainTextResponse("no index loaded", status_code=503)
    view = await asyncio.to_thread(pages.gap_view, engine, console.gaps, _since(request), _lang(request))
    headers = {"content-disposition": 'attachment; filename="telecentre-gaps.csv"', "cache-control": "no-store"}
    return Response(csv_text(view.groups), media_type="text/csv; charset=utf-8", headers=headers)


@staff_only
async def try_page(request: Request, session: auth.Session) -> Response:
    """Ask a question as a learner would; see the reply exactly as sent, and why."""
    console = _console(request)
    engine = console.engine()
    lang = _lang(request)
    if engine is None:
        return _render(request, "error.html", {"message": phrase(lang, "no_index")}, 503, session)
    context: dict = {"question": "", "forced": ""}
    if request.method == "POST":
        form = await request.form()
        question = str(form.get("question") or "")[:4000]
        forced = str(form.get("answer_lang") or "")
        chosen = forced if is_lang(forced) else None
        forced = chosen or ""
        answer = await asyncio.to_thread(engine.answer, question, None, lang=chosen)
        context = {
            "question": question,
            "forced": forced,
            "reply": pages.telegram_html(answer.html),
            "why": pages.why(engine, answer, lang),
            "lang_name": language_name(answer.lang, lang),
        }
    return _render(request, "try.html", context, session=session)


@staff_only
async def knowledge_page(request: Request, session: auth.Session) -> Response:
    """Every organisation and programme with sources, verified date, stale flag and file:line."""
    console = _console(request)
    settings = console.settings
    entries, found = await asyncio.to_thread(
        pages.knowledge_entries, settings.knowledge_dir, settings.freshness_days, console.today(), _lang(request)
    )
    return _render(request, "knowledge.html", {"entries": entries, "problems": found}, session=session)


async def healthz(request: Request) -> Response:
    """200 when the index is loaded and the data store writable; 503 with a one-line reason."""
    console = _console(request)
    engine = console.engine()
    if engine is None:
        return PlainTextResponse("index not loaded\n", status_code=503)
    reason = await asyncio.to_thread(console.gaps.check_writable)
    if reason:
        return PlainTextResponse(reason + "\n", status_code=503)
    return PlainTextResponse(f"ok: index {engine.index.version}\n")


async def metrics_endpoint(request: Request) -> Response:
    """Prometheus text format; the served index is refreshed first, so a reload shows up."""
    engine = _console(request).engine()
    if engine is not None:
        metrics.set_index(engine.index.manifest)
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)


async def not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(phrase(_lang(request), "not_found"), status_code=404)


class SecurityHeaders:
    """Adds a strict Content-Security-Policy (no script at all) and friends to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                present = {name.lower() for name, _ in message["headers"]}
                message["headers"] = list(message["headers"]) + [pair for pair in SECURITY_HEADERS if pair[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_console_app(
    engine: EngineGetter,
    gaps: GapStore,
    settings: Settings,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    today: Callable[[], dt.date] = dt.date.today,
    lifespan: Callable | None = None,
) -> Starlette:
    """The ASGI app: /healthz, /metrics and `extra_routes` always; the staff pages only when
    TELECENTRE_STAFF_PASSWORD_HASH is set (the console is off otherwise).

    `engine` is called on every request, so a live reload of the index is seen at once."""
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    templates = Jinja2Templates(env=environment)
    routes: list[BaseRoute] = [Route("/healthz", healthz), Route("/metrics", metrics_endpoint), *extra_routes]
    if settings.staff_password_hash is not None:
        routes += [
            Route("/login", login_page, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/", overview),
            Route("/gaps", gaps_page),
            Route("/gaps.csv", gaps_csv),
            Route("/try", try_page, methods=["GET", "POST"]),
            Route("/knowledge", knowledge_page),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
    app = Starlette(routes=routes, exception_handlers={404: not_found}, lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    app.state.console = Console(engine, gaps, settings, templates, today=today)
    return app


def make_server(app: ASGIApp, settings: Settings, port: int | None = None) -> uvicorn.Server:
    """A uvicorn server for `app` on TELECENTRE_CONSOLE_LISTEN:PORT, to `await server.serve()` on
    the bot's loop. No access log (paths can carry a language, never learners' text, but the
    bot logs nothing it does not need); X-Forwarded-For is trusted from loopback only."""
    config = uvicorn.Config(
        app,
        host=settings.console_listen,
        port=settings.console_port if port is None else port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        use_colors=False,
    )
    return uvicorn.Server(config)
