"""Frozen-clock tests: opening hours in Brussels time, closures, daylight saving, sessions."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.timing import BRUSSELS, describe_session, describe_status, next_sessions, open_status
from index.schema import Centre
from tests.support.helpers import programme_record

UTC = dt.UTC


def _centre(**fields: object) -> Centre:
    base: dict = {
        "id": "x",
        "name": "X",
        "summary": "s",
        "verified": "2026-11-01",
        "sources": [{"url": "https://x.example.org", "date": "undated"}],
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "17:00"}],
    }
    base.update(fields)
    return Centre.model_validate(base)


def _status(centre: Centre, when: dt.datetime, lang: str = "en") -> str:
    status = open_status(centre, when)
    assert status is not None
    return describe_status(status, lang, when)


def test_open_now_until_closing_in_local_time() -> None:
    # Wednesday 2026-12-02 10:30 UTC is 11:30 in Brussels (winter, UTC+1)
    assert _status(_centre(), dt.datetime(2026, 12, 2, 10, 30, tzinfo=UTC)) == "Open now until 17:00."
    assert _status(_centre(), dt.datetime(2026, 12, 2, 10, 30, tzinfo=UTC), "fr") == "Ouvert maintenant jusqu'à 17:00."


def test_closed_in_the_evening_opens_tomorrow() -> None:
    # 16:30 UTC is 17:30 in Brussels: just closed
    assert _status(_centre(), dt.datetime(2026, 12, 2, 16, 30, tzinfo=UTC)) == "Closed now; opens tomorrow at 09:00."


def test_early_morning_opens_today() -> None:
    assert _status(_centre(), dt.datetime(2026, 12, 2, 6, 0, tzinfo=UTC), "nl") == "Gaat vandaag open om 09:00."


def test_weekend_opens_monday() -> None:
    saturday = dt.datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    assert _status(_centre(), saturday) == "Closed now; opens Monday at 09:00."
    assert _status(_centre(), saturday, "fr") == "Fermé maintenant ; ouvre lundi à 09:00."


def test_closures_in_the_knowledge_are_respected() -> None:
    centre = _centre(closures=[{"start": "2026-12-24", "end": "2027-01-03", "note": {"en": "winter break", "fr": "congé d'hiver"}}])
    christmas_eve = dt.datetime(2026, 12, 24, 10, 0, tzinfo=UTC)  # a Thursday, normally open
    assert _status(centre, christmas_eve) == "Closed today (winter break). Closed now; opens on Monday 4 January 2027 at 09:00."
    assert _status(centre, christmas_eve, "fr").startswith("Fermé aujourd'hui (congé d'hiver).")


def test_daylight_saving_change_in_march() -> None:
    # Saturday 27 March 2027; clocks go forward on Sunday 28 March at 02:00
    status = open_status(_centre(), dt.datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    assert status is not None and status.next_open is not None
    assert status.next_open.astimezone(UTC) == dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 at UTC+2
    # Friday before the change: 15:30 UTC is 16:30 local (UTC+1), still open; after it, 15:30 UTC is 17:30
    assert open_status(_centre(), dt.datetime(2027, 3, 26, 15, 30, tzinfo=UTC)).open
    assert not open_status(_centre(), dt.datetime(2027, 3, 29, 15, 30, tzinfo=UTC)).open


def test_daylight_saving_change_in_october() -> None:
    centre = _centre(hours=[{"days": ["sun"], "opens": "01:00", "closes": "04:00"}])
    # Sunday 31 October 2027, 02:30 happens twice; at 00:30 UTC it is 02:30 CEST: open
    assert open_status(centre, dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)).open
    # 03:30 UTC is 04:30 CET: closed, next Sunday at 01:00 local
    status = open_status(centre, dt.datetime(2027, 10, 31, 3, 30, tzinfo=UTC))
    assert not status.open and status.next_open == dt.datetime(2027, 11, 7, 1, 0, tzinfo=BRUSSELS)


def test_no_hours_means_no_status() -> None:
    assert open_status(_centre(hours=None), dt.datetime(2026, 12, 2, 10, tzinfo=UTC)) is None


def test_past_sessions_are_never_shown_as_upcoming() -> None:
    programme = programme_record(
        sessions=[
            {"kind": "info-session", "date": "2026-11-20", "time": "10:00", "source": "https://x.example.org/a"},
            {"kind": "info-session", "date": "2026-12-08", "time": "14:00", "source": "https://x.example.org/b"},
            {"kind": "registration", "date": "2026-11-15", "end": "2026-12-15", "source": "https://x.example.org/c"},
        ]
    )
    today = dt.date(2026, 12, 1)
    upcoming = next_sessions(programme, dt.datetime(2026, 12, 1, 9, tzinfo=UTC))
    assert [s.date.isoformat() for s in upcoming] == ["2026-11-15", "2026-12-08"]
    assert describe_session(upcoming[0], "en", today) == "Registration is open until Tuesday 15 December 2026"
    assert describe_session(upcoming[1], "fr", today) == "Prochaine séance d'information : mardi 8 décembre 2026 à 14:00"
    assert next_sessions(programme, dt.datetime(2026, 12, 16, 9, tzinfo=UTC)) == []
    # on the day itself, a session is upcoming until its time (14:00 Brussels = 13:00 UTC)
    assert [s.date.isoformat() for s in next_sessions(programme, dt.datetime(2026, 12, 8, 12, 30, tzinfo=UTC))][-1] == "2026-12-08"
    assert "2026-12-08" not in [s.date.isoformat() for s in next_sessions(programme, dt.datetime(2026, 12, 8, 13, 30, tzinfo=UTC))]


@pytest.mark.parametrize("lang,expected", [("en", "Please note: taught in Dutch."), ("nl", None)])
def test_instruction_language_is_flagged_when_it_is_not_the_learners(lang: str, expected: str | None) -> None:
    from bot.blocks import render_text
    from bot.reply import confident_reply
    from index.passages import Passage

    programme = programme_record(instruction_languages=["nl"])
    passage = Passage("x-p#card:en", "x-p#card", "programme", "x", "x-p", "en", "P", "s", "https://x.example.org", "undated", "p.md", 1)
    text = render_text(confident_reply(passage, lang, None, programme, False, now=dt.datetime(2026, 12, 2, 10, tzinfo=UTC)))
    assert (expected in text) if expected else ("taught in" not in text.lower() and "lessen zijn" not in text)
