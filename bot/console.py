"""The console chat: the same engine as the Telegram bot, with the eligibility check, in a terminal."""

from __future__ import annotations

from collections.abc import Callable

from bot import eligibility
from bot.answer import UNANSWERED
from bot.blocks import render_text
from bot.eligibility import CAN_I_JOIN
from bot.engine import Engine
from bot.gaps import GapStore
from bot.i18n import detect_language, phrase
from index.schema import Lang

BANNER = (
    "Ask where to learn digital skills in Brussels (English, français, Nederlands). "
    "Type /eligibility to check which programmes you can join; an empty line or Ctrl-D quits.\n"
)
QUIT = {"/quit", "/exit", "quit", "exit"}


def chat(
    engine: Engine, gaps: GapStore, lang: Lang | None, read: Callable[[str], str] = input, write: Callable[[str], None] = print
) -> int:
    """Answer questions until an empty line or end of input."""
    write(BANNER)
    last: str | None = None  # what the last answer was about: "can I join?" and "is it free?" follow it
    last_lang = lang or "en"
    spoken: Lang | None = None  # the conversation's language so far: the hint Telegram's language_code gives there
    while True:
        try:
            question = read("you> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return 0
        if not question.strip() or question.strip().lower() in QUIT:
            return 0
        if question.strip().lower() == "/eligibility" or CAN_I_JOIN.match(question):
            check_lang = lang or (detect_language(question, last_lang) if question.strip() != "/eligibility" else last_lang)
            check(engine, check_lang, None if question.strip().lower() == "/eligibility" else engine.centre_of(last), read, write)
            continue
        nearest = engine.nearest_to_place(question, lang or last_lang)
        if nearest is not None:
            write("\n" + render_text(nearest) + "\n")
            last = None  # "is it free?" next: which of them?
            continue
        answer = engine.answer(question, spoken, lang=lang, after=last)
        write("\n" + answer.text + "\n")
        if answer.kind in UNANSWERED:
            gaps.record("unsure", question, answer.lang, answer.score, answer.best.passage if answer.best else None)
            last = None
        elif answer.best is not None:
            last = answer.about
        if answer.kind != "empty":
            last_lang = spoken = answer.lang


def check(engine: Engine, lang: Lang, centre: str | None, read: Callable[[str], str], write: Callable[[str], None]) -> None:
    """The eligibility check as numbered choices; 'b' goes back, 's' stops. Nothing is stored."""
    candidates = eligibility.candidates_for(engine.index.programmes, centre)
    if not candidates:
        write(phrase(lang, "el_no_candidates"))
        return
    write(phrase(lang, "el_intro", count=str(eligibility.question_count(candidates))))
    history: list[tuple[str, str]] = []
    while (question := eligibility.next_question(candidates, dict(history), lang)) is not None:
        options = "  ".join(f"{n}) {choice.label}" for n, choice in enumerate(question.choices, 1))
        write(f"\n{question.text}\n{options}  (b) {phrase(lang, 'el_back')}  (s) {phrase(lang, 'el_exit')}")
        try:
            typed = read("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            return
        if not typed or typed.lower() in ("s", "stop", "/quit"):
            write(phrase(lang, "el_stopped"))
            return
        if typed.lower() in ("b", "back") and history:
            history.pop()
            continue
        if typed.isdigit() and 1 <= int(typed) <= len(question.choices):
            value: str | None = question.choices[int(typed) - 1].value
        else:
            value = eligibility.parse_typed(typed, question)
        if value is None:
            write(phrase(lang, "el_typed_hint_console"))
            continue
        history.append((question.dimension, value))
    result = eligibility.verdict(candidates, dict(history), lang)
    write("\n" + render_text(eligibility.summary_blocks(result, lang, engine.title_of)) + "\n")
