"""`telecentre staff-password` and `telecentre console`, the console settings, and picking up a new index."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.cli import CliError, main, read_new_password
from bot.engine import Engine
from bot.index_watch import reload_if_newer
from bot.settings import SettingsError, load_settings
from bot.staff.auth import verify_password
from bot.staff.server import EngineHolder
from index.store import build_index, open_index
from tests.support.helpers import LEXICAL_ONLY, ROOT, FakeEmbedder


def test_staff_password_prints_an_argon2_hash_from_one_line_of_stdin() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "staff-password"],
        input="a long staff password\nignored\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed.startswith("$argon2id$") and "a long staff password" not in result.stdout + result.stderr
    assert verify_password(printed, "a long staff password") and not verify_password(printed, "ignored")
    assert load_settings(staff_password_hash=printed).staff_password_hash is not None


def test_staff_password_refuses_short_ones_and_a_mistyped_confirmation(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CliError, match="at least 10 characters"):
        read_new_password(io.StringIO("short\n"), tty=False)
    answers = iter(["first long password", "second long password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(CliError, match="differ"):
        read_new_password(io.StringIO(), tty=True)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "same long password")
    assert read_new_password(io.StringIO(), tty=True) == "same long password"


def test_console_settings_and_their_errors() -> None:
    settings = load_settings()
    assert (settings.console_listen, settings.console_port, settings.console_secure) == ("127.0.0.1", 8780, False)
    assert load_settings(console_url="https://console.example.org").console_secure
    with pytest.raises(SettingsError, match=r"TELECENTRE_STAFF_PASSWORD_HASH: .*argon2") as error:
        load_settings(staff_password_hash="plain text password")
    assert "plain text password" not in str(error.value)
    with pytest.raises(SettingsError, match="TELECENTRE_CONSOLE_URL"):
        load_settings(console_url="console.example.org")
    with pytest.raises(SettingsError, match="TELECENTRE_CONSOLE_PORT"):
        load_settings(console_port=0)


def test_console_command_is_off_without_a_password_hash(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELECENTRE_STAFF_PASSWORD_HASH", raising=False)
    monkeypatch.chdir(ROOT / "tests")  # no .env here
    assert main(["console"]) == 1
    assert "TELECENTRE_STAFF_PASSWORD_HASH" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.model
def test_console_command_serves_until_sigterm(shipped_index_dir: Path, tmp_path: Path) -> None:
    from bot.staff.auth import hash_password

    port = _free_port()
    env = {
        **os.environ,
        "TELECENTRE_INDEX_DIR": str(shipped_index_dir),
        "TELECENTRE_KNOWLEDGE_DIR": str(ROOT / "knowledge"),
        "TELECENTRE_DATA_DIR": str(tmp_path / "var"),
        "TELECENTRE_CONSOLE_PORT": str(port),
        "TELECENTRE_STAFF_PASSWORD_HASH": hash_password("a long staff password"),
    }
    env.pop("TELECENTRE_TELEGRAM_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "console"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "the console did not start"
                time.sleep(0.5)
        assert health.status_code == 200 and health.text.startswith("ok: index ")
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 303  # generous: CI may be busy
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"Staff console on http://127.0.0.1:{port}/" in out


async def test_a_newly_built_index_is_picked_up(knowledge_dir: Path, tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    index_dir = tmp_path / "index"
    build_index(knowledge_dir, index_dir, embedder)
    LEXICAL_ONLY.save(tmp_path / "confidence.json")  # what a reload reads back, fitted for the fake model
    settings = load_settings(index_dir=index_dir, knowledge_dir=knowledge_dir, confidence_file=tmp_path / "confidence.json")
    holder = EngineHolder(Engine(open_index(index_dir, embedder), embedder, confidence=LEXICAL_ONLY), settings, embedder)
    first = holder().index.version
    assert not await reload_if_newer(holder)
    programme = knowledge_dir / "programmes" / "alpha-coding.md"
    programme.write_text(programme.read_text().replace("ten weeks", "twelve weeks"))
    await asyncio.sleep(1.1)  # versions are named by the second
    build_index(knowledge_dir, index_dir, embedder)
    assert await reload_if_newer(holder)
    assert holder().index.version != first
