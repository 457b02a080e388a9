"""Two `telecentre serve` replicas (webhook mode) on one PostgreSQL database, the test as the load
balancer: a conversation moves between them, a double 👎 counts once, gaps from both are
reported, a replica killed mid-burst loses nothing and doubles nothing, and a PostgreSQL outage
costs recording only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.support.fake_bot_api import FakeBotApi
from tests.support.helpers import ROOT, add_eligibility_programmes, write_knowledge
from tests.support.replicas import TOKEN, Replica, buttons, press_update, start_replicas, text_update

pytestmark = [pytest.mark.e2e, pytest.mark.model]

QUESTION = "coding course for adults looking for work"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, default_embedder, postgres_server):  # type: ignore[no-untyped-def]
    from index.store import build_index

    root = tmp_path_factory.mktemp("replicas")
    add_eligibility_programmes(write_knowledge(root / "knowledge"))
    build_index(root / "knowledge", root / "var" / "index", default_embedder)
    url = postgres_server.create_database()
    with FakeBotApi(token=TOKEN) as api:
        replicas = start_replicas(api, url, root)
        try:
            yield api, replicas, url, root
        finally:
            for replica in replicas:
                replica.stop()
            if not postgres_server.running():
                postgres_server.start()


def _stores(url: str):  # type: ignore[no-untyped-def]
    from bot.settings import load_settings
    from bot.stores import open_stores

    return open_stores(load_settings(database_url=url))


def test_a_check_started_on_one_replica_finishes_on_the_other(cluster) -> None:  # type: ignore[no-untyped-def]
    api, (a, b), _, _ = cluster
    chat = 9001
    assert a.post(text_update(api, chat, "/eligibility")) == 200
    (first,) = api.sent(chat, methods=("sendMessage",))
    for replica, label, count in ((b, "A woman", 1), (a, "45 or over", 2), (b, "No", 3)):
        call = first if count == 1 else api.sent(chat, methods=("editMessageText",))[-1]
        data = next(d for text, d in buttons(call) if text == label)
        assert replica.post(press_update(api, chat, first.result["message_id"], data)) == 200
        assert len(api.sent(chat, methods=("editMessageText",))) == count
    result = api.sent(chat, methods=("editMessageText",))[-1].text or ""
    assert "You nearly qualify for:" in result and "alpha-women welding course" in result


def test_a_thumbs_down_pressed_on_both_replicas_counts_once(cluster) -> None:  # type: ignore[no-untyped-def]
    api, (a, b), url, _ = cluster
    chat = 9002
    assert a.post(text_update(api, chat, QUESTION)) == 200
    answer = next(c for c in api.sent(chat) if any(d.startswith("fb:0:") for _, d in buttons(c)))
    down = next(d for _, d in buttons(answer) if d.startswith("fb:0:"))
    for replica in (a, b):
        assert replica.post(press_update(api, chat, answer.result["message_id"], down)) == 200
    stores = _stores(url)
    try:
        assert stores.stats.counts().get("feedback_down") == 1
        assert sum(1 for gap in stores.gaps.gaps(1) if gap.kind == "thumbs_down") == 1
    finally:
        stores.close()


def test_gaps_from_both_replicas_are_reported(cluster) -> None:  # type: ignore[no-untyped-def]
    api, (a, b), url, root = cluster
    assert a.post(text_update(api, 9003, "wakeboarding lessons for parrots")) == 200
    assert b.post(text_update(api, 9004, "submarine licence for hamsters")) == 200
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELECENTRE_")}
    env.update(PYTHONPATH=str(ROOT), TELECENTRE_DATABASE_URL=url)
    report = subprocess.run([sys.executable, "-m", "bot.cli", "gaps"], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert report.returncode == 0, report.stderr
    assert "wakeboarding lessons for parrots" in report.stdout and "submarine licence for hamsters" in report.stdout


def test_a_replica_killed_mid_burst_loses_and_doubles_nothing(cluster) -> None:  # type: ignore[no-untyped-def]
    api, (a, b), _, _ = cluster
    chats = list(range(9100, 9140))
    updates = [text_update(api, chat, QUESTION) for chat in chats]
    to_a = updates[0::2]
    outcome: dict[int, int | None] = {}

    def deliver(replica: Replica, update: dict) -> None:
        try:
            outcome[update["update_id"]] = replica.post(update)
        except httpx.TransportError:  # the replica died with the request in flight, or before it
            outcome[update["update_id"]] = None

    # A answers its first few in full; its later replies are parked in the stand-in, so the kill
    # lands between claiming an update and replying to it (a kill just after a reply went out but
    # before the update was marked finished would, unavoidably, be answered again).
    api.hold_chats(u["message"]["chat"]["id"] for u in to_a[4:])
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(deliver, a if n % 2 == 0 else b, update) for n, update in enumerate(updates)]
        deadline = time.monotonic() + 60
        while sum(1 for u in to_a if outcome.get(u["update_id"]) == 200) < 4 or api.parked < 2:  # mid-burst
            assert time.monotonic() < deadline
            time.sleep(0.02)
        a.process.send_signal(signal.SIGKILL)
        a.process.wait()
        api.release_chats(drop=True)
        for future in futures:
            future.result()
    assert all(outcome[u["update_id"]] == 200 for u in updates[1::2])  # the survivor answered all its own
    assert any(outcome[u["update_id"]] != 200 for u in to_a)  # the kill did interrupt A's share
    # Telegram re-delivers what A left unanswered; here every update sent to A comes again (same
    # update_id) to B: those A finished are dropped, the others answered, a locked one retried (503).
    for update in to_a:
        deadline = time.monotonic() + 30
        while (status := b.post(update)) == 503:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert status == 200
    replies = Counter(call.chat_id for call in api.sent(methods=("sendMessage",)) if call.chat_id in chats)
    assert replies == Counter({chat: 1 for chat in chats}), replies
    assert "Traceback" not in b.stderr()


def test_a_postgresql_outage_costs_only_the_recording(cluster, postgres_server) -> None:  # type: ignore[no-untyped-def]
    api, (_, b), url, _ = cluster
    assert b.process.poll() is None
    postgres_server.stop()
    try:
        secret_question = "will it snow on the penguins tomorrow"  # refused, so a gap to record
        assert b.post(text_update(api, 9201, secret_question)) == 200
        assert len(api.sent(9201, methods=("sendMessage",))) == 1  # answered all the same
        log = b.stderr()
        assert "not recorded: OperationalError" in log or "not claimed: OperationalError" in log
        assert secret_question not in log
    finally:
        postgres_server.start()
    after = "is it going to rain on the camels tomorrow"
    deadline = time.monotonic() + 30
    chat = 9202
    while True:  # it recovers by itself: the first request after the restart reconnects
        assert b.post(text_update(api, chat, after)) == 200
        stores = _stores(url)
        try:
            if any(gap.question == after for gap in stores.gaps.gaps(1)):
                break
        finally:
            stores.close()
        assert time.monotonic() < deadline, b.stderr()[-2000:]
        chat += 1
        time.sleep(0.5)
    assert chat - 9202 <= 1, "more than one question lost after PostgreSQL came back"
