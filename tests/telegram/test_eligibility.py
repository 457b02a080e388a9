"""The eligibility check through the stand-in Bot API: buttons, back, stop, typing, restart, expiry."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from tests.support.bot_harness import Harness
from tests.support.helpers import add_eligibility_programmes

pytestmark = pytest.mark.e2e

CHAT = 7007


@pytest.fixture
def knowledge_dir(knowledge_dir: Path) -> Path:
    """The small folder plus two programmes with published conditions."""
    return add_eligibility_programmes(knowledge_dir)


def _buttons(call) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def _press(harness: Harness, call, label: str) -> str:  # type: ignore[no-untyped-def]
    data = next(d for text, d in _buttons(call) if text == label)
    return harness.api.push_callback(CHAT, call.result["message_id"], data)


async def _stored_state(harness: Harness) -> dict:
    """The check's state once the bot has saved it (just after sending the question)."""
    for _ in range(100):
        state = harness.state.conversation_store.get(CHAT)
        if state and "message" in state:
            return state
        await asyncio.sleep(0.05)
    raise AssertionError("no state stored")


async def _edited(harness: Harness, count: int):  # type: ignore[no-untyped-def]
    calls = await harness.api.wait_for_async(lambda calls: sum(c.method == "editMessageText" and c.chat_id == CHAT for c in calls) >= count)
    return [c for c in calls if c.method == "editMessageText" and c.chat_id == CHAT][count - 1]


async def test_guided_check_with_buttons_back_and_result(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility")
    (first,) = await harness.replies(CHAT, 1)
    assert first.text.startswith("Let's check which programmes you can join. I will ask at most 4 short questions. Nothing is stored")
    assert first.text.endswith("Are you a woman or a man? (Some programmes are for women only.)")
    assert [t for t, _ in _buttons(first)] == ["A woman", "A man", "Other / rather not say", "✖ Stop"]
    _press(harness, first, "A woman")
    age = await _edited(harness, 1)
    assert age.text == "How old are you?" and [t for t, _ in _buttons(age)][:4] == ["under 18", "18–25", "26–44", "45 or over"]
    assert "⬅ Back" in [t for t, _ in _buttons(age)]
    _press(harness, age, "⬅ Back")
    again = await _edited(harness, 2)
    assert again.text.startswith("Are you a woman or a man?")
    _press(harness, again, "A woman")
    age = await _edited(harness, 3)
    _press(harness, age, "45 or over")
    jobseeker = await _edited(harness, 4)
    assert jobseeker.text.startswith("Are you registered as a job seeker")
    _press(harness, jobseeker, "No")
    result = await _edited(harness, 5)
    assert "You nearly qualify for:" in result.text
    assert "alpha-women welding course — Alpha centre: you must be registered as a job seeker" in result.text
    assert "Next step: contact the centre" in result.text
    assert all(a["callback_query_id"] for a in harness.api.answered_callbacks)
    assert harness.state.conversation_store.get(CHAT) is None  # forgotten once done


async def test_typing_instead_of_pressing(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility", language_code="fr")
    (first,) = await harness.replies(CHAT, 1)
    assert first.text.endswith("Êtes-vous une femme ou un homme ? (Certaines formations sont réservées aux femmes.)")
    for typed, count, expected in (
        ("je suis un homme", 2, "Quel âge avez-vous ?"),
        ("j'ai 22 ans", 3, "Êtes-vous inscrit·e comme demandeur·euse d'emploi (chez Actiris, au VDAB ou au Forem) ?"),
        ("oui", 4, "Habitez-vous en Région bruxelloise ?"),
    ):
        harness.api.push_text(CHAT, typed)
        sent = await harness.api.wait_for_sent_async(CHAT, count, methods=("sendMessage",))
        assert sent[-1].text == expected
        assert harness.api.message(CHAT, sent[-2].result["message_id"]).get("reply_markup") is None  # old buttons gone
    harness.api.push_text(CHAT, "oui")
    result = (await harness.api.wait_for_sent_async(CHAT, 5, methods=("sendMessage",)))[-1]
    assert "Vous remplissez les conditions publiées de :" in result.text and "alpha-youth" in result.text


async def test_a_question_typed_mid_check_is_answered_normally(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility")
    await harness.replies(CHAT, 1)
    harness.api.push_text(CHAT, "printing courses in Schaerbeek")
    calls = await harness.replies(CHAT, 3)
    assert "Beta centre" in calls[1].text


async def test_check_survives_a_restart(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility")
    (first,) = await harness.replies(CHAT, 1)
    _press(harness, first, "A woman")
    age = await _edited(harness, 1)
    await harness.restart()
    _press(harness, age, "45 or over")
    jobseeker = await _edited(harness, 2)
    assert jobseeker.text.startswith("Are you registered as a job seeker")


async def test_a_stale_button_after_expiry_says_so(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility")
    (first,) = await harness.replies(CHAT, 1)
    state = await _stored_state(harness)
    harness.state.conversation_store.put(CHAT, state, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    query = _press(harness, first, "A woman")
    expired = (await harness.replies(CHAT, 2))[-1]
    assert expired.text == "This check has expired. Start again with /eligibility."
    assert any(a["callback_query_id"] == query for a in harness.api.answered_callbacks)


async def test_stop_ends_the_check(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility", language_code="nl")
    (first,) = await harness.replies(CHAT, 1)
    _press(harness, first, "✖ Stoppen")
    stopped = await _edited(harness, 1)
    assert stopped.text == "Controle gestopt. Stel me gerust een andere vraag."
    assert harness.state.conversation_store.get(CHAT) is None


async def test_can_i_join_after_an_answer_checks_that_centres_programmes(harness: Harness) -> None:
    harness.api.push_text(CHAT, "alpha-youth welding course for adults looking for work")
    answer = (await harness.replies(CHAT, 2))[-1]
    assert "✅ Can I join?" in [t for t, _ in _buttons(answer)]
    harness.api.push_text(CHAT, "can I join?")
    check = (await harness.replies(CHAT, 3))[-1]
    assert "I will ask at most 4 short questions" in check.text


async def test_answers_state_the_key_conditions(harness: Harness) -> None:
    harness.api.push_text(CHAT, "alpha-youth welding course for adults looking for work")
    text = (await harness.replies(CHAT, 2))[0].text
    assert "For people aged 18 to 25, registered as job seekers (Actiris), living in the Brussels Region." in text


async def test_an_old_question_button_cannot_answer_a_later_question(harness: Harness) -> None:
    harness.api.push_text(CHAT, "/eligibility")
    (first,) = await harness.replies(CHAT, 1)
    _press(harness, first, "A woman")
    await _edited(harness, 1)
    _press(harness, first, "A man")  # the first question's button, pressed again
    stale = (await harness.api.wait_for_sent_async(CHAT, 2, methods=("sendMessage",)))[-1]
    assert stale.text == "This check has expired. Start again with /eligibility."
    assert (await _stored_state(harness))["values"] == ["w"]
