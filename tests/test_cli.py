"""The `telecentre` command: exit codes and messages an operator or staff member sees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from index.places_file import load_gazetteer
from tests.support.helpers import ROOT, SHIPPED_KNOWLEDGE, write_knowledge


def _places() -> int:
    """How many places the small knowledge folder has (a copy of the shipped places.yaml)."""
    return len(load_gazetteer(SHIPPED_KNOWLEDGE / "places.yaml").places)


def test_validate_clean_folder(knowledge_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--knowledge", str(knowledge_dir)]) == 0
    out, err = capsys.readouterr()
    assert out.endswith(
        f"\n{knowledge_dir}: ok: 2 centres, 2 programmes, 0 FAQ files, {_places()} places, 3 off-topic examples; 0 errors, 0 warnings\n"
    )
    assert out.startswith("Freshness per organisation (2): ") and "oldest fact 2024-05-01" in out
    assert err == ""


def test_validate_lists_every_problem_and_fails(knowledge_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alpha = knowledge_dir / "centres" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("lat: 50.85", "lat: 91").replace("website:", "site:"), encoding="utf-8")
    assert main(["validate", "--knowledge", str(knowledge_dir)]) == 1
    out, err = capsys.readouterr()
    assert f"{alpha}:11: site: unknown field" in err
    assert f"{alpha}:17: location.lat: 91 should be less than or equal to 90" in err
    assert (
        out.splitlines()[-1]
        == f"{knowledge_dir}: invalid: 2 centres, 2 programmes, 0 FAQ files, {_places()} places, 3 off-topic examples; 2 errors, 0 warnings"
    )


def test_build_refuses_broken_knowledge(knowledge_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (knowledge_dir / "centres" / "alpha.md").write_text("no front matter", encoding="utf-8")
    assert main(["build", "--knowledge", str(knowledge_dir), "--index", str(tmp_path / "index")]) == 1
    err = capsys.readouterr().err
    assert "alpha.md:1: -: the file must start with a line '---'" in err
    assert "nothing was built, the current index keeps serving" in err
    assert not (tmp_path / "index").exists()


def test_settings_error_is_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELECENTRE_TELEGRAM_TOKEN", "not-a-token-SECRETSECRET")
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: invalid settings: TELECENTRE_TELEGRAM_TOKEN: does not look like a bot token")
    assert "SECRETSECRET" not in err and err.count("\n") == 1


def _run(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELECENTRE_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        env=env | {"PYTHONPATH": str(ROOT)},
    )


@pytest.mark.model
def test_ask_without_an_index_says_which_command_builds_it(tmp_path: Path) -> None:
    write_knowledge(tmp_path / "knowledge")
    result = _run("ask", "hello", cwd=tmp_path)
    assert result.returncode == 1
    assert "error: no index in var/index: run `telecentre build` to build it" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.model
def test_build_then_ask_json_from_stdin(tmp_path: Path) -> None:
    write_knowledge(tmp_path / "knowledge")
    built = _run("build", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "Built index" in built.stdout and "30 passages (30 embedded, 0 from cache)" in built.stdout
    again = _run("build", "--if-stale", cwd=tmp_path)
    assert "is up to date" in again.stdout

    result = _run(
        "ask", "--json", cwd=tmp_path, stdin="coding course for adults in Anderlecht\n\n" + "I need some help. " * 1500 + "\n1070\n"
    )
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 4
    assert answers[3]["kind"] == "nearest" and answers[3]["reply"].startswith("The centres nearest to Anderlecht:")
    assert answers[0]["centre"] == "alpha" and answers[0]["lang"] == "en"
    assert answers[1]["reply"].startswith("Please type your question") and answers[1]["confident"] is False
    assert "Your message was long" in answers[2]["reply"]

    labelled = tmp_path / "labelled.yaml"  # labelled wrongly on purpose: both are misses
    labelled.write_text(
        "- {q: coding course in Anderlecht, lang: en, centre: beta, programme: null, split: train}\n"
        "- {q: learn coding in Anderlecht please, lang: en, centre: beta, programme: null, split: test}\n",
        encoding="utf-8",
    )
    scored = _run("eval", str(labelled), cwd=tmp_path)
    assert scored.returncode == 0, scored.stderr
    assert "[hybrid] test split: 1 questions" in scored.stdout and "coding course in Anderlecht" in scored.stdout
    assert "learn coding in Anderlecht please" not in scored.stdout  # test misses stay unread while tuning
    assert "learn coding in Anderlecht please" in _run("eval", "--test-misses", str(labelled), cwd=tmp_path).stdout


def test_validate_warns_about_stale_entries_and_strict_fails(
    knowledge_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alpha = knowledge_dir / "centres" / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8").replace("verified: 2026-11-01", "verified: 2020-01-15"), encoding="utf-8")
    monkeypatch.setenv("TELECENTRE_FRESHNESS_DAYS", "180")
    assert main(["validate", "--knowledge", str(knowledge_dir)]) == 0
    out, err = capsys.readouterr()
    assert f"{alpha}:29: verified: warning: last verified on 2020-01-15 (" in err
    assert "more than 180): check the facts against the sources again, then update this date" in err
    assert "1 warnings" in out
    assert main(["validate", "--strict", "--knowledge", str(knowledge_dir)]) == 1
    assert "--strict: failing" in capsys.readouterr().out


def test_gaps_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELECENTRE_DATA_DIR", str(tmp_path / "data"))
    assert main(["gaps"]) == 0
    assert capsys.readouterr().out.startswith("No questions recorded yet")


@pytest.mark.model
def test_a_recorded_gap_shows_up_in_telecentre_gaps(tmp_path: Path) -> None:
    from bot.gaps import GapStore

    store = GapStore(tmp_path / "var" / "gaps.sqlite")
    store.record("unsure", "is there a weekend course in Uccle, mail me at x@y.be", "en", 0.3, "alpha#0:en")
    store.record("unsure", "weekend computer course in Uccle?", "en", 0.2, "alpha#0:en")
    store.feedback("beta#card:en", False)
    result = _run("gaps", "--csv", "gaps.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 recorded questions in 1 groups, biggest first:")
    assert "is there a weekend course in Uccle, mail me at <email>" in result.stdout
    assert "beta#card:en: 0 / 1" in result.stdout
    assert (tmp_path / "gaps.csv").exists()
