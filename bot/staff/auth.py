"""Who may use the console: one staff password (an argon2 hash in the settings), server-side
sessions in a cookie, a CSRF token on every form, and a limit on login attempts.

Sessions live in memory: a restart logs everyone out, and logging out ends the session on the
server, not only in the browser. The cookie is HttpOnly and SameSite=Strict, and Secure when the
console is reached over HTTPS (TELECENTRE_CONSOLE_URL starts with https://).
"""

from __future__ import annotations

import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "telecentre_console"
LOGIN_COOKIE = "telecentre_login"
"""Holds the login form's CSRF token before there is a session (double-submit)."""
LANG_COOKIE = "telecentre_console_lang"
IDLE_SECONDS = 2 * 3600
MAX_SECONDS = 12 * 3600
LOGIN_ATTEMPTS = 5
LOGIN_WINDOW_SECONDS = 60.0

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, for TELECENTRE_STAFF_PASSWORD_HASH."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; a malformed hash never matches. Slow on purpose (argon2)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def same_token(expected: str | None, given: object) -> bool:
    """Constant-time comparison of a CSRF token with what a form sent."""
    return expected is not None and expected != "" and isinstance(given, str) and secrets.compare_digest(expected.encode(), given.encode())


@dataclass
class Session:
    token: str
    csrf: str
    created: float
    last_seen: float


@dataclass
class SessionStore:
    """Sessions by their cookie token; they end after idling or after a maximum age."""

    clock: Callable[[], float] = time.monotonic
    sessions: dict[str, Session] = field(default_factory=dict)

    def create(self) -> Session:
        now = self.clock()
        self._expire(now)
        session = Session(new_token(), new_token(), now, now)
        self.sessions[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session for `token`, refreshed; None when unknown or expired."""
        session = self.sessions.get(token) if token else None
        if session is None:
            return None
        now = self.clock()
        if now - session.last_seen > IDLE_SECONDS or now - session.created > MAX_SECONDS:
            del self.sessions[session.token]
            return None
        session.last_seen = now
        return session

    def drop(self, token: str | None) -> None:
        if token:
            self.sessions.pop(token, None)

    def _expire(self, now: float) -> None:
        for token, session in list(self.sessions.items()):
            if now - session.last_seen > IDLE_SECONDS or now - session.created > MAX_SECONDS:
                del self.sessions[token]


@dataclass
class RateLimiter:
    """At most `limit` attempts per client address in any `window` seconds."""

    limit: int = LOGIN_ATTEMPTS
    window: float = LOGIN_WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    attempts: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, client: str) -> bool:
        """Count one attempt from `client`; False when it is over the limit (then not counted)."""
        now = self.clock()
        for key in [k for k, times in self.attempts.items() if not times or now - times[-1] > self.window]:
            del self.attempts[key]  # forget quiet clients so the table stays small
        times = self.attempts.setdefault(client, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


def client_address(request: Request) -> str:
    """The client's address (uvicorn has already applied X-Forwarded-For from a trusted proxy)."""
    return request.client.host if request.client else "unknown"


def set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int | None = None) -> None:
    """A cookie only this site's pages can send (SameSite=Strict), out of reach of scripts."""
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="strict")


def clear_cookie(response: Response, name: str, secure: bool) -> None:
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")


def new_token() -> str:
    """A random token for a form or a session (256 bits)."""
    return secrets.token_urlsafe(32)
