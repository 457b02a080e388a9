"""End to end: the real python-telegram-bot client over HTTP against the stand-in Bot API."""

from __future__ import annotations

import asyncio
import logging

import pytest

from index.store import build_index
from tests.support.bot_harness import ADMIN, TOKEN, Harness
from tests.support.helpers import build_engine, store_questions

pytestmark = pytest.mark.e2e

CHAT = 1001


async def test_start_welcomes_in_the_users_language_with_paths(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/start", language_code="fr")
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("Bonjour !")
    buttons = [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["path:course", "path:near", "path:person"]


async def test_question_gets_answer_then_pin_with_buttons(harness: Harness) -> None:
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    text, venue = await harness.replies(CHAT, 2)
    assert text.method == "sendMessage" and text.params["parse_mode"] == "HTML"
    assert "Who it is for:" in text.text and "Alpha centre" in text.text and "How to sign up:" in text.text
    assert venue.method == "sendVenue"
    assert venue.params["title"] == "Alpha centre (approximate location)"
    assert float(venue.params["latitude"]) == pytest.approx(50.85)
    rows = venue.params["reply_markup"]["inline_keyboard"]
    assert rows[0][0]["url"].startswith("https://www.openstreetmap.org/search?query=")
    data = [b.get("callback_data") for row in rows for b in row]
    assert "contact:alpha" in data and any(d and d.startswith("alts:") for d in data)
    feedback = [d for d in data if d and d.startswith("fb:")]
    assert len(feedback) == 2 and feedback[0].startswith("fb:1:alpha-coding#") and feedback[1] == "fb:0:" + feedback[0][5:]
    assert all(len(d.encode()) <= 64 for d in data if d)


async def test_is_it_free_just_after_an_answer_is_about_that_answer(harness: Harness) -> None:
    harness.api.push_text(CHAT, "is it free?")
    (unsure,) = await harness.replies(CHAT, 1)
    assert unsure.text.startswith("Which centre or course do you mean?"), unsure.text
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    await harness.replies(CHAT, 3)
    harness.api.push_text(CHAT, "is it free?")
    follow_up = (await harness.replies(CHAT, 5))[3]
    assert follow_up.text.startswith("Following up on my last answer:") and "Alpha centre" in follow_up.text, follow_up.text
    harness.api.push_text(CHAT, "what is the weather tomorrow")  # answers nothing: a follow-up is then about nothing
    await harness.replies(CHAT, 6)
    harness.api.push_text(CHAT, "is it free?")
    again = (await harness.replies(CHAT, 7))[-1]
    assert again.text.startswith("Which centre or course do you mean?"), again.text


async def test_feedback_button_is_acknowledged_and_removed(harness: Harness) -> None:
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    _, venue = await harness.replies(CHAT, 2)
    rows = venue.params["reply_markup"]["inline_keyboard"]
    down = next(b["callback_data"] for row in rows for b in row if b.get("callback_data", "").startswith("fb:0:"))
    query_id = harness.api.push_callback(CHAT, venue.result["message_id"], down)
    await harness.api.wait_for_async(lambda calls: any(c.method == "editMessageReplyMarkup" for c in calls))
    assert any(a["callback_query_id"] == query_id for a in harness.api.answered_callbacks)
    edited = harness.api.message(CHAT, venue.result["message_id"])
    assert not any(b.get("callback_data", "").startswith("fb:") for row in edited["reply_markup"]["inline_keyboard"] for b in row)
    assert harness.state.stores.stats.counts().get("feedback_down", 0) == 1


async def test_other_options_then_show_one(harness: Harness) -> None:
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    _, venue = await harness.replies(CHAT, 2)
    alts = next(
        b["callback_data"]
        for row in venue.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b.get("callback_data", "").startswith("alts:")
    )
    harness.api.push_callback(CHAT, venue.result["message_id"], alts)
    options = (await harness.replies(CHAT, 3))[-1]
    assert options.text == "Other options:"
    show = options.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert show.startswith("show:")
    harness.api.push_callback(CHAT, options.result["message_id"], show)
    shown = (await harness.replies(CHAT, 4))[-1]
    assert shown.method in ("sendMessage", "sendVenue")


async def test_contact_button_gives_the_centres_contact(harness: Harness) -> None:
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    _, venue = await harness.replies(CHAT, 2)
    harness.api.push_callback(CHAT, venue.result["message_id"], "contact:alpha")
    contact = (await harness.replies(CHAT, 3))[-1]
    assert "Alpha centre" in contact.text and "https://alpha.example.org" in contact.text


async def test_not_sure_offers_options_as_buttons(harness: Harness) -> None:
    harness.api.push_text(CHAT, "what is the weather tomorrow")
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("I'm not sure")
    assert all(b["callback_data"].startswith("show:") for row in call.params["reply_markup"]["inline_keyboard"] for b in row)


async def test_shared_location_lists_nearest_centres(harness: Harness) -> None:
    harness.api.push_location(CHAT, 50.85, 4.35)
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("The centres nearest to you:")
    assert "1. Alpha centre — Anderlecht, ≈ 0.0 km" in call.text and "2. Beta centre" in call.text


async def test_postcode_typed_alone_lists_nearest_centres(harness: Harness) -> None:
    harness.api.push_text(CHAT, "1070", language_code="nl")
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("De centra het dichtst bij Anderlecht:")


async def test_near_path_offers_a_location_button(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/start")
    (welcome,) = await harness.replies(CHAT, 1)
    harness.api.push_callback(CHAT, welcome.result["message_id"], "path:near")
    prompt = (await harness.replies(CHAT, 2))[-1]
    assert prompt.params["reply_markup"]["keyboard"][0][0]["request_location"] is True


@pytest.mark.parametrize("push", ["push_sticker", "push_photo"])
async def test_stickers_and_photos_get_a_friendly_reply(harness: Harness, push: str) -> None:
    getattr(harness.api, push)(CHAT)
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("I can only read text and locations")


async def test_edited_message_is_answered_again(harness: Harness) -> None:
    harness.api.push_edited_text(CHAT, 77, "printing courses in Schaerbeek")
    calls = await harness.replies(CHAT, 2)
    assert "Beta centre" in calls[0].text


async def test_group_messages_are_answered_only_when_addressed(harness: Harness) -> None:
    group = -5005
    harness.api.push_text(group, "coding course for adults", chat_type="group")
    assert await harness.quiet(group) == []
    harness.api.push_text(group, "@test_bot coding course for adults looking for work", chat_type="group")
    calls = await harness.replies(group, 2)
    assert "Alpha centre" in calls[0].text


async def test_burst_from_one_chat_is_answered_in_full(harness: Harness) -> None:
    harness.api.flood_limit = 3
    for n in range(8):
        harness.api.push_text(CHAT, f"printing courses in Schaerbeek number {n}")
    calls = await harness.replies(CHAT, 16, timeout=30)
    assert sum(c.method == "sendMessage" for c in calls) == 8 and sum(c.method == "sendVenue" for c in calls) == 8
    assert harness.api.too_many_requests_served > 0


async def test_very_long_message_is_answered(harness: Harness) -> None:
    harness.api.push_text(CHAT, "printing courses in Schaerbeek. " + "I would like to know more please. " * 120)
    calls = await harness.replies(CHAT, 2)
    assert calls[0].text.startswith("Your message was long")
    assert harness.api.count_status(400) == 0


async def test_knowledge_text_with_markup_characters_is_escaped(harness: Harness) -> None:
    path = harness.knowledge / "programmes" / "alpha-coding.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Write to the centre.", "Write to <b>us</b> & wait <3"), encoding="utf-8")
    harness.state.engine = build_engine(harness.knowledge, harness.index, harness.state.embedder)
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    (text, _) = await harness.replies(CHAT, 2)
    assert "How to sign up: Write to <b>us</b> & wait <3" in text.text
    assert harness.api.count_status(400) == 0


async def test_language_choice_is_remembered(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/language")
    (menu,) = await harness.replies(CHAT, 1)
    harness.api.push_callback(CHAT, menu.result["message_id"], "lang:fr")
    await harness.api.wait_for_async(lambda calls: any(c.method == "editMessageText" for c in calls))
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    await harness.replies(CHAT, 4)
    assert "Pour qui" in harness.texts(CHAT)[-1]


async def test_admin_commands_are_denied_by_default(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/stats", user_id=999)
    harness.api.push_text(CHAT, "/reload", user_id=999)
    calls = await harness.replies(CHAT, 2)
    assert all(c.text == "This command is for the bot's operators." for c in calls)


async def test_stats_are_counts_only(harness: Harness) -> None:
    harness.api.push_text(ADMIN, "printing courses in Schaerbeek", user_id=ADMIN)
    await harness.replies(ADMIN, 2)
    harness.api.push_text(ADMIN, "/stats", user_id=ADMIN)
    stats = (await harness.replies(ADMIN, 3))[-1].text
    assert "questions: 1" in stats and "answer: 1" in stats
    assert "Schaerbeek" not in stats and str(ADMIN) not in stats


async def test_reload_serves_a_new_build(harness: Harness) -> None:
    path = harness.knowledge / "centres" / "beta.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Schaerbeek", "Jette"), encoding="utf-8")
    build_index(harness.knowledge, harness.index, harness.state.embedder)
    old = harness.state.engine
    harness.api.push_text(ADMIN, "/reload", user_id=ADMIN)
    (call,) = await harness.replies(ADMIN, 1, timeout=20)
    assert call.text.startswith("Reloaded: now serving index")
    assert harness.state.engine is not old
    assert harness.state.engine.index.centres["beta"].address.municipality.get("en") == "Jette"


async def test_a_failing_answer_apologises_and_logs_no_text(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom with the question inside: secret question")

    harness.state.engine.answer = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO):
        harness.api.push_text(CHAT, "secret question about my life")
        (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("Sorry, something went wrong")
    assert "RuntimeError" in caplog.text
    assert "secret question" not in caplog.text


async def test_logs_hold_neither_token_nor_message_text(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        harness.api.push_text(CHAT, "printing courses in Schaerbeek for Zorglub")
        await harness.replies(CHAT, 2)
        harness.api.push_sticker(CHAT)
        await harness.replies(CHAT, 3)
    assert TOKEN not in caplog.text and "Zorglub" not in caplog.text
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


async def test_a_slow_answer_does_not_stall_other_learners(harness: Harness) -> None:
    import threading

    engine = harness.state.engine
    real_answer = engine.answer
    release = threading.Event()

    def answer(question: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if "slow" in question:
            release.wait(10)  # blocks a worker thread, not the event loop
        return real_answer(question, *args, **kwargs)

    engine.answer = answer  # type: ignore[method-assign]
    harness.api.push_text(CHAT, "slow question about printing in Schaerbeek")
    harness.api.push_text(2002, "printing courses in Schaerbeek")
    other = await harness.replies(2002, 2)
    assert "Beta centre" in other[0].text
    assert harness.api.sent(CHAT, methods=("sendMessage",)) == []
    release.set()
    assert len(await harness.replies(CHAT, 2)) == 2


async def test_an_off_topic_question_gets_what_the_bot_does_and_the_start_paths(harness: Harness) -> None:
    store_questions(harness.state.engine, {"coding course for adults looking for work": "alpha"}, ["what is the weather tomorrow"])
    harness.api.push_text(CHAT, "what is the weather tomorrow, mail me at jan@example.org")
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("I could not find anything about that") and "contact" not in call.text
    buttons = [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["path:course", "path:near", "path:person"]
    await harness.api.wait_for_async(lambda calls: bool(harness.state.gap_store.gaps()), timeout=10)  # kept after the reply
    (gap,) = harness.state.gap_store.gaps()
    assert gap.kind == "unsure" and gap.question == "what is the weather tomorrow, mail me at <email>"


async def test_a_greeting_alone_gets_the_welcome_and_the_start_paths_and_is_no_gap(harness: Harness) -> None:
    harness.api.push_text(CHAT, "Bonjour !")
    (call,) = await harness.replies(CHAT, 1)
    assert call.text.startswith("Bonjour ! Je vous aide à trouver une formation au numérique")
    buttons = [b["callback_data"] for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["path:course", "path:near", "path:person"]
    harness.api.push_text(CHAT, "what is the weather tomorrow")  # gaps are kept in order, after each reply
    await harness.replies(CHAT, 2)
    await harness.api.wait_for_async(lambda calls: bool(harness.state.gap_store.gaps()), timeout=10)
    assert [gap.question for gap in harness.state.gap_store.gaps()] == ["what is the weather tomorrow"]


async def test_unsure_questions_and_thumbs_down_are_recorded_without_personal_data(harness: Harness) -> None:
    harness.api.push_text(CHAT, "what is the weather tomorrow, mail me at jan@example.org")
    await harness.replies(CHAT, 1)
    harness.api.push_text(CHAT, "coding course for adults looking for work, call 0470 12 34 56")
    venue = (await harness.replies(CHAT, 3))[-1]
    down = next(
        b["callback_data"]
        for row in venue.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b.get("callback_data", "").startswith("fb:0:")
    )
    harness.api.push_callback(CHAT, venue.result["message_id"], down)
    await harness.api.wait_for_async(lambda calls: any(c.method == "editMessageReplyMarkup" for c in calls))
    gaps = harness.state.gap_store.gaps()
    assert [g.kind for g in gaps] == ["unsure", "thumbs_down"]
    assert gaps[0].question == "what is the weather tomorrow, mail me at <email>"
    assert gaps[1].question == "coding course for adults looking for work, call <phone>"
    assert gaps[1].passage == down[5:] and gaps[1].lang == "en"
    raw = harness.state.gap_store.path.read_bytes() + b"".join(p.read_bytes() for p in harness.state.gap_store.path.parent.glob("*-wal"))
    assert str(CHAT).encode() not in raw and b"jan@example.org" not in raw
    assert harness.state.gap_store.feedback_counts() == [(down[5:], 0, 1)]


async def test_privacy_says_what_is_kept_and_for_how_long(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/privacy")
    (call,) = await harness.replies(CHAT, 1)
    assert "for 30 days" in call.text and "no name, Telegram id or chat id" in call.text


async def test_a_rebuild_is_picked_up_live_while_answering(harness: Harness) -> None:
    from bot.index_watch import watch_index

    watcher = asyncio.create_task(watch_index(harness.state))
    try:
        old_version = harness.state.engine.index.version
        for n in range(6):
            harness.api.push_text(3000 + n, "printing courses in Schaerbeek")
        path = harness.knowledge / "centres" / "beta.md"
        path.write_text(path.read_text(encoding="utf-8").replace("Schaerbeek", "Jette"), encoding="utf-8")
        await asyncio.to_thread(build_index, harness.knowledge, harness.index, harness.state.embedder)
        for n in range(6, 12):
            harness.api.push_text(3000 + n, "printing courses")
        for n in range(12):
            assert len(await harness.replies(3000 + n, 2, timeout=20)) == 2
        await harness.api.wait_for_async(lambda calls: harness.state.engine.index.version != old_version, timeout=10)
        harness.api.push_text(4000, "printing courses in Jette")
        (text, _) = await harness.replies(4000, 2)
        assert "Jette" in text.text
        assert harness.api.count_status(400) == 0 and harness.state.stores.stats.counts().get("reloads", 0) >= 1
    finally:
        watcher.cancel()


async def test_a_broken_new_index_keeps_the_old_one_serving(harness: Harness) -> None:
    from bot.index_watch import watch_index

    old = harness.state.engine
    (harness.index / "CURRENT").write_text("no-such-version\n")
    watcher = asyncio.create_task(watch_index(harness.state))
    try:
        await asyncio.sleep(0.6)
        assert harness.state.engine is old
        harness.api.push_text(CHAT, "printing courses in Schaerbeek")
        assert "Beta centre" in (await harness.replies(CHAT, 2))[0].text
    finally:
        watcher.cancel()


async def test_a_double_tap_on_feedback_counts_once(harness: Harness) -> None:
    harness.api.push_text(CHAT, "coding course for adults looking for work")
    _, venue = await harness.replies(CHAT, 2)
    up = next(
        b["callback_data"]
        for row in venue.params["reply_markup"]["inline_keyboard"]
        for b in row
        if b.get("callback_data", "").startswith("fb:1:")
    )
    first = harness.api.push_callback(CHAT, venue.result["message_id"], up)
    second = harness.api.push_callback(CHAT, venue.result["message_id"], up)
    await harness.api.wait_for_async(lambda calls: {first, second} <= {a["callback_query_id"] for a in harness.api.answered_callbacks})
    assert harness.state.stores.stats.counts().get("feedback_up", 0) == 1
    assert harness.api.count_status(400) == 0


@pytest.mark.parametrize(
    "question,language_code,note,reply_lang_marker",
    [
        ("¿Dónde puedo aprender coding? Busco trabajo, soy adulto.", "es", "es", "Pour qui"),
        ("Wo kann ich coding lernen? Ich bin erwachsen und arbeitslos.", "de", "de", "I'm not sure"),
        ("¿Dónde puedo aprender coding? Busco trabajo, soy adulto.", "nl", "es", "Voor wie"),
    ],
)
async def test_a_question_in_another_language_is_answered_in_ours_saying_so_in_theirs(
    harness: Harness, question: str, language_code: str, note: str, reply_lang_marker: str
) -> None:
    from bot.other_languages import OTHER_LANGUAGE_NOTES

    harness.api.push_text(CHAT, question, language_code=language_code)
    (text,) = (await harness.replies(CHAT, 1))[:1]
    assert OTHER_LANGUAGE_NOTES[note] in text.text  # one sentence in the learner's own language
    # the knowledge in French (Spanish), English (German, here not sure) or the learner's Telegram language (Dutch)
    assert reply_lang_marker in text.text and "Alpha" in text.text
    assert harness.api.count_status(400) == 0
