"""Several `telecentre serve` processes in webhook mode on one database, and the test (or the soak
benchmark) as their load balancer: it POSTs updates made by the stand-in Bot API to a replica's
webhook port with the secret header, as Telegram would through a reverse proxy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.fake_bot_api import FakeBotApi
from tests.support.helpers import ROOT

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"
SECRET = "replica-test-secret"
HOOK = "https://bot.example.org/hook"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Replica:
    """One `telecentre serve` subprocess; its stderr goes to a file the test can read."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    stderr_path: Path
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=60))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def post(self, update: dict[str, Any]) -> int:
        """Deliver `update`; the HTTP status (the bot answers before replying 200)."""
        return self.client.post(self.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def rss_kib(self) -> int:
        """Resident memory now, from /proc (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def replica_env(api: FakeBotApi, database_url: str, root: Path, name: str, port: int, replicas: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELECENTRE_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        TELECENTRE_TELEGRAM_TOKEN=TOKEN,
        TELECENTRE_TELEGRAM_API_URL=api.base_url,
        TELECENTRE_WEBHOOK_URL=HOOK,
        TELECENTRE_WEBHOOK_SECRET=SECRET,
        TELECENTRE_WEBHOOK_PORT=str(port),
        TELECENTRE_DATABASE_URL=database_url,
        TELECENTRE_REPLICAS=str(replicas),
        TELECENTRE_KNOWLEDGE_DIR=str(root / "knowledge"),
        TELECENTRE_INDEX_DIR=str(root / "var" / "index"),  # one build, shared read-only by every replica
        TELECENTRE_DATA_DIR=str(root / name),
    )
    return env


def start_replicas(api: FakeBotApi, database_url: str, root: Path, names: tuple[str, ...] = ("a", "b")) -> list[Replica]:
    """Start one replica per name and wait until each answers /healthz."""
    replicas = []
    for name in names:
        port = free_port()
        stderr_path = root / f"{name}.stderr"
        env = replica_env(api, database_url, root, name, port, len(names))
        with open(stderr_path, "wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=stderr
            )
        replicas.append(Replica(name, port, process, stderr_path))
    deadline = time.monotonic() + 120
    for replica in replicas:
        while True:
            assert replica.process.poll() is None, replica.stderr()
            try:
                if httpx.get(f"http://127.0.0.1:{replica.port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, replica.stderr()
            time.sleep(0.2)
    return replicas


def made(api: FakeBotApi, update_id: int) -> dict[str, Any]:
    """The update the stand-in made (and registered its chat, message or callback for)."""
    return next(u for u in reversed(api.pending_updates) if u["update_id"] == update_id)


def text_update(api: FakeBotApi, chat_id: int, text: str, **sender: Any) -> dict[str, Any]:
    return made(api, api.push_text(chat_id, text, **sender))


def press_update(api: FakeBotApi, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
    api.push_callback(chat_id, message_id, data)
    return api.pending_updates[-1]


def buttons(call: Any) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]
