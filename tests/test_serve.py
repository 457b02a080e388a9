"""`telecentre serve` as an operator runs it: start-up errors, a real conversation, a clean stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.fake_bot_api import FakeBotApi
from tests.support.helpers import ROOT, write_knowledge

pytestmark = [pytest.mark.e2e, pytest.mark.model]

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, default_embedder) -> Path:  # type: ignore[no-untyped-def]
    from index.store import build_index

    root = tmp_path_factory.mktemp("serve")
    write_knowledge(root / "knowledge")
    build_index(root / "knowledge", root / "var" / "index", default_embedder)
    return root


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELECENTRE_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update({f"TELECENTRE_{k.upper()}": v for k, v in settings.items()})
    return env


def _serve(cwd: Path, **settings: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve"], cwd=cwd, env=_env(**settings), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_missing_token(workdir: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], cwd=workdir, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("error: TELECENTRE_TELEGRAM_TOKEN is not set: create a bot with @BotFather")


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    process = _serve(tmp_path, telegram_token=TOKEN)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "no index in var/index: run `telecentre build` to build it" in err and TOKEN not in err


def test_wrong_token_is_reported_without_the_token(workdir: Path) -> None:
    with FakeBotApi(token=TOKEN) as api:
        wrong = "999999:WRONG-token-abcdefghijklmnopqrstuvwxyz"
        process = _serve(workdir, telegram_token=wrong, telegram_api_url=api.base_url)
        _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "error: Telegram rejected the token: check TELECENTRE_TELEGRAM_TOKEN" in err
    assert wrong not in err and "WRONG" not in err


def test_unreachable_bot_api_gives_up_after_bounded_retries(workdir: Path) -> None:
    port = _free_port()
    process = _serve(workdir, telegram_token=TOKEN, telegram_api_url=f"http://127.0.0.1:{port}/bot", startup_retries="1")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert f"error: cannot reach the Bot API at 127.0.0.1:{port} after 2 attempts" in err


def test_serves_answers_and_stops_cleanly_on_sigterm(workdir: Path) -> None:
    with FakeBotApi(token=TOKEN) as api:
        import httpx

        port = _free_port()
        process = _serve(workdir, telegram_token=TOKEN, telegram_api_url=api.base_url, console_port=str(port))
        try:
            api.push_text(77, "coding course for adults looking for work, my name is Zorglub")
            calls = api.wait_for_sent(77, 2, timeout=120)
            assert "Alpha centre" in (calls[0].text or "")
            health = httpx.get(f"http://127.0.0.1:{port}/healthz")  # the web app runs beside polling
            assert health.status_code == 200
            assert "telecentre_answers_total" in httpx.get(f"http://127.0.0.1:{port}/metrics").text
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=15)  # a clean stop, not a kill after a hang
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert "serving as @test_bot by long polling" in err
    assert TOKEN not in out + err and "Zorglub" not in out + err


def test_webhook_mode_checks_the_secret_on_every_request(workdir: Path) -> None:
    import httpx

    port = _free_port()
    with FakeBotApi(token=TOKEN) as api:
        process = _serve(
            workdir,
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            webhook_url="https://bot.example.org/hook",
            webhook_secret="s3cret-value",
            webhook_port=str(port),
        )
        try:
            api.wait_for(lambda calls: any(c.method == "setWebhook" for c in calls), timeout=120)
            assert api.webhook["url"] == "https://bot.example.org/hook"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "text": "coding course for adults looking for work",
                    "chat": {"id": 88, "type": "private"},
                    "from": {"id": 88, "is_bot": False, "first_name": "T"},
                },
            }
            api.add_chat(88)
            deadline = time.monotonic() + 30
            while True:
                try:
                    wrong = httpx.post(f"http://127.0.0.1:{port}/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            assert wrong.status_code == 403
            missing = httpx.post(f"http://127.0.0.1:{port}/hook", json=update)
            assert missing.status_code == 403
            secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"}
            for body in (b"", b"not json", b"[1, 2]", b'{"update_id": "x", "message": 5}'):
                assert httpx.post(f"http://127.0.0.1:{port}/hook", content=body, headers=secret).status_code == 400, body
            huge = httpx.post(f"http://127.0.0.1:{port}/hook", content=b"{" + b" " * (2 << 20) + b"}", headers=secret)
            assert huge.status_code == 413
            assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
            assert api.sent(88) == []
            right = httpx.post(f"http://127.0.0.1:{port}/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-value"})
            assert right.status_code == 200
            calls = api.wait_for_sent(88, 2, timeout=60)
            assert "Alpha centre" in (calls[0].text or "")
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert "s3cret-value" not in err and TOKEN not in err and "not json" not in err


def test_webhook_without_a_secret_is_refused(workdir: Path) -> None:
    process = _serve(workdir, telegram_token=TOKEN, webhook_url="https://bot.example.org/hook")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "TELECENTRE_WEBHOOK_SECRET is not" in err
