"""Time-aware facts in Europe/Brussels time: open now or when next, and upcoming sessions.

Everything takes `now` (or `today`) as an argument, so answers are testable with a frozen clock
and correct across the daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.i18n import phrase
from index.schema import DAYS, Centre, Closure, Lang, Programme, Session

BRUSSELS = ZoneInfo("Europe/Brussels")
LOOKAHEAD_DAYS = 60


@dataclass(frozen=True)
class OpenStatus:
    """Whether a centre is open at a moment, until when, or when it opens next."""

    open: bool
    until: dt.time | None = None
    next_open: dt.datetime | None = None
    closure: Closure | None = None


def _closure_on(centre: Centre, day: dt.date) -> Closure | None:
    return next((c for c in centre.closures or [] if c.start <= day <= c.end), None)


def _slots(centre: Centre, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    name = DAYS[day.weekday()]
    return sorted(
        (dt.time.fromisoformat(slot.opens), dt.time.fromisoformat(slot.closes)) for slot in centre.hours or [] if name in slot.days
    )


def open_status(centre: Centre, now: dt.datetime) -> OpenStatus | None:
    """Open now (and until when) or closed (and when it opens next); None without known hours."""
    if not centre.hours:
        return None
    local = now.astimezone(BRUSSELS)
    today_closure = _closure_on(centre, local.date())
    if today_closure is None:
        for opens, closes in _slots(centre, local.date()):
            if opens <= local.time() < closes:
                return OpenStatus(True, until=closes)
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        if _closure_on(centre, day):
            continue
        for opens, _ in _slots(centre, day):
            moment = dt.datetime.combine(day, opens, tzinfo=BRUSSELS)
            if moment > local:
                return OpenStatus(False, next_open=moment, closure=today_closure)
    return OpenStatus(False, closure=today_closure)


def describe_status(status: OpenStatus, lang: Lang, now: dt.datetime) -> str:
    """'Open now until 17:00', 'Closed now; opens Monday at 09:00', with a closure's reason."""
    if status.open and status.until is not None:
        return phrase(lang, "open_until", time=status.until.strftime("%H:%M"))
    parts = []
    if status.closure is not None:
        note = status.closure.note.get(lang) if status.closure.note else ""
        parts.append(phrase(lang, "closed_today", note=f" ({note})" if note else ""))
    if status.next_open is None:
        parts.append(phrase(lang, "opens_unknown"))
        return " ".join(parts)
    today = now.astimezone(BRUSSELS).date()
    day, time = status.next_open.date(), status.next_open.strftime("%H:%M")
    if day == today:
        parts.append(phrase(lang, "opens_today", time=time))
    elif day == today + dt.timedelta(days=1):
        parts.append(phrase(lang, "opens_tomorrow", time=time))
    elif (day - today).days < 7:
        parts.append(phrase(lang, "opens_on_day", day=weekday(day, lang), time=time))
    else:
        parts.append(phrase(lang, "opens_on_date", date=long_date(day, lang), time=time))
    return " ".join(parts)


def weekday(day: dt.date, lang: Lang) -> str:
    return phrase(lang, "weekdays").split(",")[day.weekday()]


def long_date(day: dt.date, lang: Lang) -> str:
    """'Tuesday 3 March 2027' / 'mardi 3 mars 2027' / 'dinsdag 3 maart 2027'."""
    month = phrase(lang, "months").split(",")[day.month - 1]
    return f"{weekday(day, lang)} {day.day} {month} {day.year}"


def next_sessions(programme: Programme, now: dt.datetime) -> list[Session]:
    """Sessions and registration windows not yet over at `now`, soonest first; past ones never
    (a session earlier today is past once its time has gone)."""
    local = now.astimezone(BRUSSELS)
    today = local.date()

    def upcoming(session: Session) -> bool:
        if session.end is not None:
            return session.end >= today
        if session.date == today and session.time is not None:
            return dt.time.fromisoformat(session.time) > local.time()
        return session.date >= today

    return sorted((s for s in programme.sessions or [] if upcoming(s)), key=lambda s: s.date)


def describe_session(session: Session, lang: Lang, today: dt.date) -> str:
    when = long_date(session.date, lang) + (f" {phrase(lang, 'at')} {session.time}" if session.time else "")
    if session.kind == "registration":
        if session.date <= today and session.end is not None:
            text = phrase(lang, "registration_open_until", date=long_date(session.end, lang))
        elif session.end is not None:
            text = phrase(lang, "registration_window", start=long_date(session.date, lang), end=long_date(session.end, lang))
        else:
            text = phrase(lang, "registration_from", date=when)
    else:
        text = phrase(lang, "next_info_session", date=when)
    if session.place is not None:
        text += f" ({session.place.get(lang)})"
    return text
