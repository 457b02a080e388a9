"""The console chat, driven by scripted input: answers, the eligibility check, recorded gaps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.console import chat
from bot.engine import Engine
from bot.gaps import GapStore
from tests.support.helpers import add_eligibility_programmes


@pytest.fixture
def knowledge_dir(knowledge_dir: Path) -> Path:
    return add_eligibility_programmes(knowledge_dir)


def _run(engine: Engine, gaps: GapStore, lines: list[str], lang: str | None = None) -> str:
    feed: Iterator[str] = iter(lines)
    out: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    assert chat(engine, gaps, lang, read, out.append) == 0
    return "\n".join(out)


@pytest.fixture
def engine(make_engine: Callable[[], Engine]) -> Engine:
    return make_engine()


def test_console_answers_and_records_unsure_questions(engine: Engine, tmp_path: Path) -> None:
    gaps = GapStore(tmp_path / "gaps.sqlite")
    out = _run(engine, gaps, ["printing courses in Schaerbeek", "what is the weather tomorrow", ""])
    assert "Beta centre" in out and "I'm not sure" in out
    assert [g.question for g in gaps.gaps()] == ["what is the weather tomorrow"]


def test_is_it_free_after_an_answer_is_about_that_answer(engine: Engine, tmp_path: Path) -> None:
    gaps = GapStore(tmp_path / "gaps.sqlite")
    out = _run(engine, gaps, ["printing courses in Schaerbeek", "is it free?", ""])
    follow_up = out.split("Following up on my last answer:", 1)
    assert len(follow_up) == 2 and "Beta centre" in follow_up[1], out
    alone = _run(engine, gaps, ["is it free?", ""])
    assert "Which centre or course do you mean?" in alone, alone


def test_a_short_question_keeps_the_conversations_language(engine: Engine, tmp_path: Path) -> None:
    """A name alone says no language: the console leans on the conversation's, as Telegram leans on
    the learner's language_code ("EPN de Ganshoren" had been answered in Dutch after French)."""
    gaps = GapStore(tmp_path / "gaps.sqlite")
    alone = _run(engine, gaps, ["Beta centre", ""])
    after_french = _run(engine, gaps, ["Où imprimer des documents à Schaerbeek ?", "Beta centre", ""])
    assert "Centre Beta" not in alone, alone  # English by default
    assert after_french.count("Centre\u00a0: Centre Beta") == 2, after_french  # both replies in French


def test_a_follow_up_after_a_reply_that_answered_nothing_asks_which_centre(engine: Engine, tmp_path: Path) -> None:
    gaps = GapStore(tmp_path / "gaps.sqlite")
    out = _run(engine, gaps, ["printing courses in Schaerbeek", "what is the weather tomorrow", "is it free?", ""])
    assert "Following up on my last answer:" not in out and "Which centre or course do you mean?" in out, out


def test_a_place_typed_alone_lists_the_nearest_centres_as_on_telegram(engine: Engine, tmp_path: Path) -> None:
    gaps = GapStore(tmp_path / "gaps.sqlite")
    out = _run(engine, gaps, ["1070", ""])
    assert "The centres nearest to Anderlecht:" in out and "km" in out
    assert gaps.gaps() == []


def test_console_eligibility_check_with_numbers_words_and_back(engine: Engine, tmp_path: Path) -> None:
    out = _run(engine, GapStore(tmp_path / "gaps.sqlite"), ["/eligibility", "1", "b", "2", "23", "yes", "oui", ""])
    assert "Are you a woman or a man?" in out and "1) A woman" in out
    assert out.count("Are you a woman or a man?") == 2  # asked again after going back
    assert "You meet the stated conditions of:" in out and "alpha-youth welding course — Alpha centre" in out


def test_console_check_can_be_stopped(engine: Engine, tmp_path: Path) -> None:
    out = _run(engine, GapStore(tmp_path / "gaps.sqlite"), ["/eligibility", "s", ""])
    assert "Check stopped." in out


def test_console_check_follows_the_conversations_language(engine: Engine, tmp_path: Path) -> None:
    out = _run(
        engine, GapStore(tmp_path / "gaps.sqlite"), ["Je cherche un cours de welding pour adultes", "/eligibility", "peut-être", "s", ""]
    )
    assert "Êtes-vous une femme ou un homme ?" in out
    assert "Répondez avec un des numéros, b pour revenir en arrière ou s pour arrêter." in out
    assert "Vérification arrêtée." in out
