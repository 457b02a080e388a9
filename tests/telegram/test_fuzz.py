"""Property-based: arbitrary Unicode gets a reply Telegram accepts, never an error; arbitrary bodies
to the webhook get 200/400/403/413, never a 500. Fixed seed, bounded examples, so CI stays fast and
repeatable."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.testclient import TestClient
from telegram.constants import MessageLimit

from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.context import BotState
from bot.telegram.send import split_html
from bot.telegram.web import MAX_UPDATE_BYTES, SECRET_HEADER, webhook_route
from tests.support.fake_telegram_rules import parse_html, utf16_len
from tests.support.helpers import build_engine, write_knowledge


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("fuzz")
    return build_engine(write_knowledge(root / "knowledge"), root / "index")


@settings(max_examples=150, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600) | st.text(alphabet=st.characters(codec="utf-8"), max_size=6000))
def test_any_text_gets_a_reply_telegram_accepts(engine: Engine, text: str) -> None:
    """What the text handler does with a message short of sending it: answer (never raise), render
    escaped HTML, split it into messages Telegram would accept (its own parser, its own limit)."""
    answer = engine.answer(text)
    chunks = split_html(answer.html)
    assert chunks, "every message gets a reply"
    for chunk in chunks:
        visible, _ = parse_html(chunk)  # raises like Telegram on broken markup
        assert 0 < utf16_len(visible) <= MessageLimit.MAX_TEXT_LENGTH


@pytest.fixture(scope="module")
def webhook(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """The webhook route of a real application and state (SQLite stores), with the Bot API on a
    closed local port: no update here ever reaches a handler that sends."""
    settings = Settings(
        telegram_token="123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
        telegram_api_url="http://127.0.0.1:9/bot",
        data_dir=tmp_path_factory.mktemp("fuzz-data"),
        _env_file=None,
    )
    state = BotState(settings, engine.embedder, engine)
    application = build_application(state)
    return TestClient(Starlette(routes=[webhook_route("hook", application, state, "secret")]))


@settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=500).map(str.encode),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
            max_leaves=10,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    st.booleans(),
)
def test_any_webhook_body_is_refused_cleanly_never_a_500(webhook: TestClient, body: bytes, with_secret: bool) -> None:
    headers = {SECRET_HEADER: "secret"} if with_secret else {}
    status = webhook.post("/hook", content=body, headers=headers).status_code
    assert status in ((200, 400) if with_secret else (403,)), (status, body[:80])


def test_an_oversized_body_is_413(webhook: TestClient) -> None:
    response = webhook.post("/hook", content=b"{" + b" " * MAX_UPDATE_BYTES + b"}", headers={SECRET_HEADER: "secret"})
    assert response.status_code == 413
