"""Tests for the stand-in Bot API server (plain httpx and the real PTB ``Bot``).

The text parsers it relies on are tested in ``test_fake_telegram_rules``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from tests.support.fake_bot_api import FakeBotApi

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
CHAT = 4242


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        server.push_text(CHAT, "hello")  # makes the chat known
        yield server


@pytest.fixture
def client(api: FakeBotApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{api.base_url}{TOKEN}/", timeout=10) as http:
        yield http


def call(client: httpx.Client, method: str, **params: Any) -> httpx.Response:
    return client.post(method, json=params)


def send(client: httpx.Client, text: str, **params: Any) -> httpx.Response:
    return call(client, "sendMessage", chat_id=CHAT, text=text, **params)


def assert_bad_request(response: httpx.Response, description: str) -> None:
    body = response.json()
    assert response.status_code == 400, body
    assert body["ok"] is False and body["error_code"] == 400
    assert body["description"].startswith(f"Bad Request: {description}"), body


# ----------------------------------------------------------------------- basics


def test_get_me_and_case_insensitive_method(client: httpx.Client) -> None:
    for method in ("getMe", "getme", "GETME"):
        body = client.get(method).json()
        assert body["ok"] is True
        assert body["result"]["id"] == 123456 and body["result"]["is_bot"] is True


def test_wrong_token_is_401(api: FakeBotApi) -> None:
    response = httpx.post(f"{api.base_url}654321:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_unknown_method_is_404(client: httpx.Client, api: FakeBotApi) -> None:
    response = call(client, "sendTelepathy", chat_id=CHAT)
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert api.requests_log[-1] == ("sendTelepathy", 404)


# ----------------------------------------------------------------------- updates


def test_long_poll_delivers_once_then_times_out(client: httpx.Client, api: FakeBotApi) -> None:
    first = call(client, "getUpdates", timeout=1).json()["result"]
    assert [u["message"]["text"] for u in first] == ["hello"]
    offset = first[-1]["update_id"] + 1
    update_id = api.push_text(CHAT, "/start now")
    second = call(client, "getUpdates", offset=offset, timeout=1).json()["result"]
    assert [u["update_id"] for u in second] == [update_id]
    assert second[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    started = time.monotonic()
    third = call(client, "getUpdates", offset=update_id + 1, timeout=1).json()["result"]
    assert third == [] and time.monotonic() - started >= 0.9
    assert api.pending_updates == []


def test_long_poll_wakes_up_on_push(client: httpx.Client, api: FakeBotApi) -> None:
    offset = call(client, "getUpdates").json()["result"][-1]["update_id"] + 1
    threading.Timer(0.2, api.push_location, args=(CHAT, 50.85, 4.35)).start()
    started = time.monotonic()
    updates = client.post("getUpdates", data={"offset": str(offset), "timeout": "5"}).json()["result"]
    assert time.monotonic() - started < 3
    assert updates[0]["message"]["location"] == {"latitude": 50.85, "longitude": 4.35}


# ----------------------------------------------------------------------- sendMessage


def test_send_message_is_recorded(client: httpx.Client, api: FakeBotApi) -> None:
    first = send(client, "Hi there").json()["result"]
    second = send(client, "Again").json()["result"]
    assert second["message_id"] == first["message_id"] + 1
    assert first["chat"]["id"] == CHAT and first["from"]["is_bot"] is True
    calls = api.sent(CHAT)
    assert [(c.method, c.text) for c in calls] == [("sendMessage", "Hi there"), ("sendMessage", "Again")]
    assert calls[0].params == {"chat_id": CHAT, "text": "Hi there"}


def test_unknown_chat_and_empty_text(client: httpx.Client) -> None:
    assert_bad_request(call(client, "sendMessage", chat_id=999, text="x"), "chat not found")
    assert_bad_request(send(client, "   "), "message text is empty")
    assert_bad_request(send(client, "<b></b>", parse_mode="HTML"), "message text is empty")


def test_message_length_limit_counts_utf16(client: httpx.Client) -> None:
    assert send(client, "a" * 4096).status_code == 200
    assert_bad_request(send(client, "a" * 4097), "message is too long")
    assert_bad_request(send(client, "😀" * 2049), "message is too long")  # 4098 UTF-16 units
    assert send(client, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML").status_code == 200


# ----------------------------------------------------------------------- keyboards and callbacks


def keyboard(**button: str) -> dict:
    return {"inline_keyboard": [[{"text": "Press", **button}]]}


def test_callback_data_and_url_validation(client: httpx.Client) -> None:
    ok = send(client, "pick", reply_markup=keyboard(callback_data="x" * 64)).json()["result"]
    assert ok["reply_markup"] == keyboard(callback_data="x" * 64)
    for data in ("x" * 65, "é" * 33):  # 65 and 66 bytes
        assert_bad_request(send(client, "pick", reply_markup=keyboard(callback_data=data)), "BUTTON_DATA_INVALID")
    bad_url = send(client, "pick", reply_markup=keyboard(url="javascript:alert(1)"))
    assert_bad_request(bad_url, "inline keyboard button URL")
    assert send(client, "go", reply_markup=keyboard(url="tg://resolve?domain=x")).status_code == 200


def test_form_and_multipart_bodies_decode_json_fields(client: httpx.Client, api: FakeBotApi) -> None:
    markup = json.dumps(keyboard(callback_data="a"))
    form = client.post("sendMessage", data={"chat_id": str(CHAT), "text": "42", "reply_markup": markup})
    assert form.json()["result"]["reply_markup"] == keyboard(callback_data="a")
    multipart = client.post(
        "sendMessage",
        data={"chat_id": str(CHAT), "text": "héllo", "reply_markup": markup},
        files={"thumbnail": ("t.jpg", b"\xff\xd8binary", "image/jpeg")},
    )
    assert multipart.status_code == 200, multipart.text
    params = api.sent(CHAT)[-1].params
    assert params["text"] == "héllo" and params["chat_id"] == CHAT
    assert params["reply_markup"] == keyboard(callback_data="a")
    assert params["thumbnail"]["content"] == b"\xff\xd8binary"
    assert api.sent(CHAT)[0].params["text"] == "42"


def test_answer_callback_query_only_once(client: httpx.Client, api: FakeBotApi) -> None:
    message = send(client, "pick", reply_markup=keyboard(callback_data="yes")).json()["result"]
    query_id = api.push_callback(CHAT, message["message_id"], "yes")
    update = call(client, "getUpdates").json()["result"][-1]
    assert update["callback_query"]["message"]["text"] == "pick"
    answer = call(client, "answerCallbackQuery", callback_query_id=query_id, text="ok")
    assert answer.json()["result"] is True
    expired = "query is too old and response timeout expired or query ID is invalid"
    assert_bad_request(call(client, "answerCallbackQuery", callback_query_id=query_id), expired)
    assert_bad_request(call(client, "answerCallbackQuery", callback_query_id="nope"), expired)
    assert [a["callback_query_id"] for a in api.answered_callbacks] == [query_id]


def test_edit_message_text_and_not_modified(client: httpx.Client) -> None:
    message_id = send(client, "v1").json()["result"]["message_id"]
    edited = call(client, "editMessageText", chat_id=CHAT, message_id=message_id, text="v2").json()
    assert edited["result"]["text"] == "v2" and "edit_date" in edited["result"]
    again = call(client, "editMessageText", chat_id=CHAT, message_id=message_id, text="v2")
    assert_bad_request(again, "message is not modified")
    missing = call(client, "editMessageText", chat_id=CHAT, message_id=9999, text="x")
    assert_bad_request(missing, "message to edit not found")


def test_venue_requires_fields(client: httpx.Client) -> None:
    place = {"chat_id": CHAT, "latitude": 50.8, "longitude": 4.3, "title": "Hub"}
    venue = call(client, "sendVenue", **place, address="Rue 1").json()["result"]
    assert venue["venue"]["title"] == "Hub" and venue["location"] == {"latitude": 50.8, "longitude": 4.3}
    assert_bad_request(call(client, "sendVenue", **place), 'parameter "address" is required')


# ----------------------------------------------------------------------- flood control and failures


def test_flood_control_returns_429_with_retry_after(client: httpx.Client, api: FakeBotApi) -> None:
    assert all(send(client, f"m{i}").status_code == 200 for i in range(5))
    response = send(client, "one too many")
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(api.sent(CHAT)) == 5 and api.too_many_requests_served == 1
    time.sleep(1.05)
    assert send(client, "after the pause").status_code == 200


def test_forced_failures(client: httpx.Client, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 2, status=500)
    api.fail_next("getme", status=429, retry_after=3)
    assert [send(client, "x").status_code for _ in range(3)] == [500, 500, 200]
    assert call(client, "getMe").json()["parameters"] == {"retry_after": 3}
    assert call(client, "getMe").status_code == 200
    assert len(api.sent(CHAT)) == 1 and api.count_status(500) == 2


def test_wait_for_sent_times_out_with_a_summary(client: httpx.Client, api: FakeBotApi) -> None:
    send(client, "only one")
    assert [c.text for c in api.wait_for_sent(CHAT, 1, timeout=1)] == ["only one"]
    with pytest.raises(TimeoutError, match="sendMessage"):
        api.wait_for_sent(CHAT, 2, timeout=0.2)


# ----------------------------------------------------------------------- real python-telegram-bot


async def test_pushed_updates_parse_as_ptb_updates(api: FakeBotApi) -> None:
    api.push_photo(CHAT, caption="look")
    api.push_location(CHAT, 50.85, 4.35)
    api.push_edited_text(CHAT, 1, "hello, edited")
    api.push_text(-1001, "/start@test_bot", chat_type="supergroup", user_id=7)
    query_id = api.push_callback(CHAT, 77, "menu:1")
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        updates = await bot.get_updates(timeout=1)
    hello, photo, location, edited, group, callback = updates
    assert hello.message.from_user.language_code == "en"
    assert photo.message.photo[-1].width == 800 and photo.message.caption == "look"
    assert location.message.location.latitude == 50.85
    assert edited.edited_message.text == "hello, edited" and edited.edited_message.message_id == 1
    assert group.effective_chat.type == "supergroup" and group.effective_user.id == 7
    assert group.message.entities[0].type == "bot_command"
    assert callback.callback_query.id == query_id and callback.callback_query.data == "menu:1"
    assert callback.callback_query.message.message_id == 77  # an InaccessibleMessage


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter internals
async def test_ptb_bot_round_trip(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        assert (await bot.get_me()).username == "test_bot"
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message.text == "hello"
        api.push_text(CHAT, "/help")
        api.push_sticker(CHAT)
        updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1)
        assert updates[0].message.text == "/help" and updates[1].message.sticker.emoji == "👍"
        assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
        message = await bot.send_message(CHAT, "<b>Hi</b> &lt;3", parse_mode=ParseMode.HTML, reply_markup=markup)
        assert message.text == "Hi <3" and message.reply_markup == markup
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(CHAT, "<blink>x</blink>", parse_mode=ParseMode.HTML)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
            await bot.send_message(CHAT, "x", reply_markup=too_long)

        query_id = api.push_callback(CHAT, message.message_id, "yes")
        assert await bot.answer_callback_query(query_id, text="done")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query_id)

        for _ in range(4):
            await bot.send_message(CHAT, "burst")
        with pytest.raises(RetryAfter) as excinfo:
            await bot.send_message(CHAT, "burst")
        assert "Retry in 1 seconds" in str(excinfo.value)
        assert api.requests_log[-1] == ("sendMessage", 429)

    assert api.raw_requests, "no requests recorded"
    for raw in api.raw_requests:
        assert raw.path.startswith(f"/bot{TOKEN}/")
        assert TOKEN not in json.dumps(raw.headers) and TOKEN.encode() not in raw.body


async def test_ptb_application_replies_to_command(api: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.effective_user.first_name
        await update.effective_message.reply_text(f"Welcome, {name}!", do_quote=True)

    app = ApplicationBuilder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    api.push_text(CHAT, "/start", first_name="Ada")
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        calls = await api.wait_for_sent_async(CHAT, 1, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert calls[0].text == "Welcome, Ada!"
    assert calls[0].result["reply_to_message"]["text"] == "/start"
    assert ("deleteWebhook", 200) in api.requests_log
