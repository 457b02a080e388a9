"""The staff console over plain HTTP: every access rule, cookie flags, pages, /healthz, /metrics."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from bot import metrics
from bot.engine import Engine
from bot.gaps import GapStore
from bot.settings import load_settings
from bot.staff import auth, build_console_app
from bot.staff.auth import RateLimiter, SessionStore, hash_password
from bot.staff.i18n import negotiate
from index.store import build_index, open_index
from tests.support.helpers import LEXICAL_ONLY, FakeEmbedder

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)


@pytest.fixture
def engine(knowledge_dir: Path, tmp_path: Path) -> Engine:
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    return Engine(open_index(tmp_path / "index", embedder), embedder, confidence=LEXICAL_ONLY)


def make_app(engine: Engine | None, tmp_path: Path, knowledge_dir: Path, **settings: object):  # type: ignore[no-untyped-def]
    values = {"staff_password_hash": HASH, "knowledge_dir": knowledge_dir, "data_dir": tmp_path / "var", **settings}
    config = load_settings(**values)
    store = GapStore(config.gaps_path, config.retention_days)
    return build_console_app(lambda: engine, store, config, today=lambda: dt.date(2026, 11, 27)), store


@pytest.fixture
def console(engine: Engine, tmp_path: Path, knowledge_dir: Path):  # type: ignore[no-untyped-def]
    app, store = make_app(engine, tmp_path, knowledge_dir)
    return app, store


def client_for(app, base_url: str = "http://testserver") -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app, base_url=base_url, follow_redirects=False)


def login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, "the login form carries a CSRF token"
    return match.group(1)


def log_in(client: TestClient, password: str = PASSWORD) -> None:
    token = login_form_token(client)
    response = client.post("/login", data={"csrf": token, "password": password, "next": "/"})
    assert response.status_code == 303 and response.headers["location"] == "/"


def page_csrf(client: TestClient, path: str = "/try") -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def test_every_console_page_needs_a_session(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    public = {"/login", "/healthz", "/metrics"}
    paths = [route.path for route in app.routes if isinstance(route, Route) and route.path not in public]
    assert {"/", "/gaps", "/gaps.csv", "/try", "/knowledge", "/logout"} <= set(paths)
    for path in paths:
        for method in sorted(next(r for r in app.routes if isinstance(r, Route) and r.path == path).methods or {"GET"}):
            if method == "HEAD":
                continue
            response = client.request(method, path)
            assert response.status_code in (303, 403), (method, path, response.status_code)
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login?next=")
            assert "telecentre-gaps" not in response.headers.get("content-disposition", "")
    # A made-up cookie is no session either.
    client.cookies.set(auth.SESSION_COOKIE, "forged")
    assert client.get("/").status_code == 303
    assert client.get("/static/console.css").status_code == 200  # static assets are public
    assert any(isinstance(route, Mount) and route.path == "/static" for route in app.routes)


def test_wrong_password_and_missing_or_wrong_csrf_are_refused(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    token = login_form_token(client)
    wrong = client.post("/login", data={"csrf": token, "password": "guess"})
    assert wrong.status_code == 200 and auth.SESSION_COOKIE not in wrong.cookies and "Wrong password" in wrong.text
    token = login_form_token(client)
    assert client.post("/login", data={"password": PASSWORD}).status_code == 403  # no token
    assert client.post("/login", data={"csrf": token + "x", "password": PASSWORD}).status_code == 403  # wrong token
    other = client_for(app)  # a token from someone else's form (no matching cookie) is refused
    assert other.post("/login", data={"csrf": token, "password": PASSWORD}).status_code == 403
    assert client.get("/").status_code == 303

    log_in(client)
    assert client.get("/").status_code == 200
    assert client.post("/try", data={"question": "coding"}).status_code == 403  # no token
    assert client.post("/try", data={"question": "coding", "csrf": "nope"}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/").status_code == 200  # still logged in: the forged logout did nothing
    ok = client.post("/try", data={"question": "coding course", "csrf": page_csrf(client)})
    assert ok.status_code == 200 and 'id="reply"' in ok.text


def test_login_attempts_are_rate_limited_per_address(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    for _ in range(5):
        token = login_form_token(client)
        assert "Wrong password" in client.post("/login", data={"csrf": token, "password": "guess"}).text
    token = login_form_token(client)
    blocked = client.post("/login", data={"csrf": token, "password": PASSWORD})
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "60"
    assert auth.SESSION_COOKIE not in blocked.cookies  # even the right password waits


def test_rate_limiter_window_and_session_expiry() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=2, window=60, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a") and limiter.allow("b")
    now[0] = 61
    assert limiter.allow("a")
    sessions = SessionStore(clock=lambda: now[0])
    session = sessions.create()
    assert sessions.get(session.token) is session
    now[0] += auth.IDLE_SECONDS + 1
    assert sessions.get(session.token) is None


def test_logout_ends_the_session_on_the_server(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    log_in(client)
    cookie = client.cookies.get(auth.SESSION_COOKIE)
    response = client.post("/logout", data={"csrf": page_csrf(client, "/")})
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/").status_code == 303
    replay = client_for(app)
    replay.cookies.set(auth.SESSION_COOKIE, cookie or "")
    assert replay.get("/").status_code == 303  # the old cookie is dead, not only forgotten


def _cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_cookie_flags_and_secure_behind_https(engine: Engine, tmp_path: Path, knowledge_dir: Path) -> None:
    app, _ = make_app(engine, tmp_path, knowledge_dir)
    client = client_for(app)
    token = login_form_token(client)
    response = client.post("/login", data={"csrf": token, "password": PASSWORD})
    flags = _cookie_header(response, auth.SESSION_COOKIE).lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/" in flags and "secure" not in flags

    app, _ = make_app(engine, tmp_path, knowledge_dir, console_url="https://console.example.org")
    client = client_for(app, "https://testserver")
    token = login_form_token(client)
    response = client.post("/login", data={"csrf": token, "password": PASSWORD})
    flags = _cookie_header(response, auth.SESSION_COOKIE).lower()
    assert "httponly" in flags and "samesite=strict" in flags and "secure" in flags


def test_login_redirects_only_to_local_pages(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    for target, expected in (("/gaps", "/gaps"), ("//evil.example", "/"), ("https://evil.example", "/"), ("/\\evil", "/")):
        token = login_form_token(client)
        response = client.post("/login", data={"csrf": token, "password": PASSWORD, "next": target})
        assert response.headers["location"] == expected


def test_pages_in_the_browsers_language_and_switchable(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    log_in(client)
    assert 'lang="fr"' in client.get("/", headers={"accept-language": "fr-BE,fr;q=0.9,en;q=0.5"}).text
    assert "Vue d&#39;ensemble" in client.get("/", headers={"accept-language": "fr"}).text
    dutch = client.get("/knowledge?lang=nl", headers={"accept-language": "fr"})
    assert '<html lang="nl">' in dutch.text and "Kennis" in dutch.text
    assert '<html lang="nl">' in client.get("/", headers={"accept-language": "fr"}).text  # remembered
    assert negotiate("de-DE, nl;q=0.4, fr;q=0.8") == "fr" and negotiate("de") is None and negotiate("en;q=0, nl") == "nl"


def test_overview_knowledge_gaps_and_csv(console, knowledge_dir: Path) -> None:  # type: ignore[no-untyped-def]
    app, store = console
    (knowledge_dir / "programmes" / "beta-printing.md").write_text(
        (knowledge_dir / "programmes" / "beta-printing.md").read_text().replace("verified: 2026-11-01", "verified: 2020-01-01")
    )
    store.count_answer("answer", "fr")
    store.count_answer("unsure", "fr")
    store.count_answer("off_topic", "nl")  # refused too
    store.record("unsure", '=HYPERLINK("http://x") <b>bold</b> & more', "en", 0.1, "alpha-coding#0:en")
    store.record("unsure", '=HYPERLINK("http://x") <b>bold</b> & more again', "en", 0.1, "alpha-coding#0:en")
    store.feedback("alpha-coding#0:en", up=False)
    client = client_for(app)
    log_in(client)
    overview = client.get("/").text
    assert "fake-hashing" in overview and re.search(r"<dd>\d+ \(en \d+, fr \d+, nl \d+\)</dd>", overview)
    assert "beta-printing.md:" in overview and "last verified on 2020-01-01" in overview
    assert re.search(r"<td>1 / 1</td>", overview) and re.search(r"<td>0 / 1</td>", overview)  # fr, nl

    knowledge = client.get("/knowledge").text
    assert 'id="entry-beta-printing"' in knowledge and "https://beta.example.org/beta-printing" in knowledge
    stale = knowledge.split('id="entry-beta-printing"')[0].rsplit("<article", 1)[1]
    assert "stale" in stale
    assert re.search(r"programmes/beta-printing\.md:\d+", knowledge)

    gaps = client.get("/gaps").text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in gaps and "<b>bold</b>" not in gaps
    assert "alpha-coding#0:en" in gaps and "Group 1: 2 questions" in gaps
    csv = client.get("/gaps.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "attachment" in csv.headers["content-disposition"]
    lines = csv.text.splitlines()
    assert lines[0].startswith("group,count") and "'=HYPERLINK" in lines[1]


def test_try_shows_the_reply_as_sent_and_why(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    log_in(client)
    page = client.post("/try", data={"question": "cours de coding <script>x</script>", "answer_lang": "fr", "csrf": page_csrf(client)})
    assert page.status_code == 200
    assert "cours de coding &lt;script&gt;x&lt;/script&gt;</textarea>" in page.text
    reply = page.text.split('id="reply"')[1].split("</div>")[0]
    assert "<b>" in reply and "<script" not in reply
    assert 'id="detected">fr' in page.text and "threshold 0.500" in page.text and 'id="candidates"' in page.text
    assert "alpha-coding" in page.text and 'id="why-place"' not in page.text


def test_try_shows_the_place_and_audience_understood(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    client = client_for(app)
    log_in(client)
    page = client.post("/try", data={"question": "I am a woman of 48, coding course in Anderlecht?", "csrf": page_csrf(client)}).text
    assert 'id="why-place">Anderlecht</dd>' in page
    assert 'id="why-audience">' in page and "age=48" in page and "gender=w" in page
    plain = client.post("/try", data={"question": "coding", "csrf": page_csrf(client)}).text
    assert 'id="why-place"' not in plain and 'id="why-audience"' not in plain


def test_telegram_html_keeps_only_telegram_tags() -> None:
    from bot.staff.pages import telegram_html

    dirty = '<b>ok</b> <i>it</i> <a href="https://x.org" onclick="evil()">l</a> <a href="javascript:alert(1)">j</a><script>alert(1)</script><img src=x onerror=alert(1)><span class="tg-spoiler">s</span>'
    clean = str(telegram_html(dirty))
    assert "<b>ok</b>" in clean and "<i>it</i>" in clean and 'href="https://x.org"' in clean and "tg-spoiler" in clean
    for bad in ("onclick", "javascript:", "<script", "<img", "onerror"):
        assert bad not in clean


def test_security_headers(console) -> None:  # type: ignore[no-untyped-def]
    app, _ = console
    response = client_for(app).get("/login")
    assert (
        "script-src" not in response.headers["content-security-policy"]
        and "default-src 'none'" in response.headers["content-security-policy"]
    )
    assert response.headers["x-content-type-options"] == "nosniff" and response.headers["cache-control"] == "no-store"


def test_console_is_off_without_a_password_hash(engine: Engine, tmp_path: Path, knowledge_dir: Path) -> None:
    app, _ = make_app(engine, tmp_path, knowledge_dir, staff_password_hash="")
    client = client_for(app)
    assert client.get("/login").status_code == 404 and client.get("/").status_code == 404
    assert client.get("/healthz").status_code == 200 and client.get("/metrics").status_code == 200


def test_extra_routes_such_as_the_webhook_are_served_without_a_session(engine: Engine, tmp_path: Path, knowledge_dir: Path) -> None:
    from starlette.responses import PlainTextResponse

    async def webhook(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse("got it")

    config = load_settings(staff_password_hash=HASH, knowledge_dir=knowledge_dir, data_dir=tmp_path / "var")
    app = build_console_app(
        lambda: engine, GapStore(config.gaps_path), config, extra_routes=[Route("/telegram", webhook, methods=["POST"])]
    )
    assert client_for(app).post("/telegram").text == "got it"


def test_healthz_200_and_503(engine: Engine, tmp_path: Path, knowledge_dir: Path) -> None:
    app, _ = make_app(engine, tmp_path, knowledge_dir)
    ok = client_for(app).get("/healthz")
    assert ok.status_code == 200 and ok.text.startswith("ok: index ")

    app, _ = make_app(None, tmp_path, knowledge_dir)
    missing = client_for(app).get("/healthz")
    assert missing.status_code == 503 and missing.text == "index not loaded\n"

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be")
    app, _ = make_app(engine, tmp_path, knowledge_dir, data_dir=blocked)
    broken = client_for(app).get("/healthz")
    assert broken.status_code == 503 and "not writable" in broken.text and broken.text.count("\n") == 1


def test_metrics_parse_and_count(console, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    app, store = console
    before = metrics.ANSWERS.labels(outcome="answer", lang="en")._value.get()
    answer = metrics.timed_answer(engine, "coding course for adults looking for work", store=store)
    assert answer.kind == "answer"
    metrics.telegram_error(TimeoutError())
    metrics.telegram_retry()
    store.record("thumbs_down", "q", "en", 0.1, None)
    text = client_for(app).get("/metrics").text
    families = {family.name: family for family in text_string_to_metric_families(text)}
    answers = {
        (s.labels["outcome"], s.labels["lang"]): s.value for s in families["telecentre_answers"].samples if s.name.endswith("_total")
    }
    assert answers[("answer", "en")] == before + 1
    assert any(s.name == "telecentre_answer_seconds_count" and s.value >= 1 for s in families["telecentre_answer_seconds"].samples)
    info = families["telecentre_index_info"].samples[0].labels
    assert info["version"] == engine.index.version and info["model"] == "fake-hashing"
    assert any(s.labels.get("kind") == "thumbs_down" and s.value >= 1 for s in families["telecentre_gaps_recorded"].samples)
    assert any(s.labels.get("error") == "TimeoutError" for s in families["telecentre_telegram_api_errors"].samples)
    assert families["telecentre_telegram_api_retries"].samples[0].value >= 1
    assert store.answer_counts() and store.answer_counts()[0][1:] == ("en", "answer", 1)
