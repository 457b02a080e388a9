"""Index builds: atomic swaps, the embedding cache, and refusing indexes that do not fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import store
from index.store import BuildBusy, IndexUnavailable, KnowledgeInvalid, build_index, current_manifest, open_index
from tests.support.helpers import FakeEmbedder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_build_writes_a_complete_manifest(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    report = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    manifest = current_manifest(tmp_path / "index")
    assert manifest is not None and manifest["version"] == report.version
    assert manifest["model"]["name"] == "fake-hashing" and manifest["model"]["dimension"] == 64
    assert manifest["counts"]["passages"] == report.passages == 30
    assert manifest["counts"]["languages"] == {"en": 10, "fr": 10, "nl": 10}
    assert manifest["counts"]["centres"] == 2 and manifest["counts"]["programmes"] == 2
    assert manifest["counts"]["off_topic_examples"] == 3
    assert set(manifest["files"]) == {p.relative_to(knowledge_dir).as_posix() for p in knowledge_dir.glob("*/*.md")} | {
        "places.yaml",
        "off-topic.yaml",
    }
    assert {"faiss-cpu", "numpy", "python"} <= set(manifest["libraries"])
    assert manifest["schema_version"] == store.SCHEMA_VERSION and manifest["built_at"]
    loaded = open_index(tmp_path / "index", fake_embedder)
    assert loaded.vectors.ntotal == len(loaded.passages) == 30
    assert set(loaded.centres) == {"alpha", "beta"}


def test_rebuild_after_one_file_edit_embeds_only_that_file(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    first = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    assert first.embedded == 30 and first.reused == 0
    _edit(knowledge_dir / "programmes" / "alpha-coding.md", "lasts ten weeks", "lasts twelve weeks")
    second = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    assert (second.embedded, second.reused) == (1, 29)
    assert second.version != first.version


def test_if_stale_skips_an_up_to_date_index(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    first = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    again = build_index(knowledge_dir, tmp_path / "index", fake_embedder, only_if_stale=True)
    assert again.skipped and again.version == first.version
    other_model = build_index(knowledge_dir, tmp_path / "index", FakeEmbedder(name="other"), only_if_stale=True)
    assert not other_model.skipped


def test_invalid_knowledge_builds_nothing_and_keeps_serving(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    good = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    _edit(knowledge_dir / "centres" / "alpha.md", "lat: 50.85", "lat: 500")
    with pytest.raises(KnowledgeInvalid):
        build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    assert open_index(tmp_path / "index", fake_embedder).version == good.version


def test_a_build_that_fails_midway_leaves_the_previous_index(
    knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    _edit(knowledge_dir / "centres" / "beta.md", "printing courses", "scanning courses")

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if the operator pressed Ctrl-C while files were written

    monkeypatch.setattr(store, "_write", crash)
    with pytest.raises(KeyboardInterrupt):
        build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    monkeypatch.undo()
    assert open_index(tmp_path / "index", fake_embedder).version == good.version
    assert not [p for p in (tmp_path / "index" / "versions").iterdir() if p.name.startswith(".")]


def test_old_versions_are_pruned(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    import datetime as dt

    for day in range(1, 6):
        _edit(knowledge_dir / "centres" / "alpha.md", f"verified: 2026-11-0{day}", f"verified: 2026-11-0{day + 1}")
        build_index(knowledge_dir, tmp_path / "index", fake_embedder, now=dt.datetime(2026, 11, day, tzinfo=dt.UTC))
    versions = sorted(p.name for p in (tmp_path / "index" / "versions").iterdir())
    assert len(versions) == store.KEEP_VERSIONS
    assert (tmp_path / "index" / "CURRENT").read_text().strip() == versions[-1]


def test_missing_index_says_how_to_build(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(IndexUnavailable, match=r"no index in .*: run `telecentre build` to build it"):
        open_index(tmp_path / "nothing", fake_embedder)


def test_index_from_another_model_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    with pytest.raises(IndexUnavailable, match=r"built with the model 'fake-hashing' .* now uses 'other'.*telecentre build"):
        open_index(tmp_path / "index", FakeEmbedder(name="other"))
    with pytest.raises(IndexUnavailable, match=r"64 dimensions.*32"):
        open_index(tmp_path / "index", FakeEmbedder(dimension=32))


def test_same_name_but_different_vectors_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    impostor = FakeEmbedder()
    impostor.name = "fake-hashing"
    original = impostor.embed_passages
    impostor.embed_passages = lambda texts, **kw: -original(texts, **kw)  # type: ignore[method-assign]
    with pytest.raises(IndexUnavailable, match="gives other vectors"):
        open_index(tmp_path / "index", impostor)


@pytest.mark.parametrize("damaged", ["vectors.faiss", "passages.json", "records.json"])
def test_corrupt_index_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder, damaged: str) -> None:
    report = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    path = tmp_path / "index" / "versions" / report.version / damaged
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(IndexUnavailable, match=f"{damaged} is missing or damaged: run `telecentre build`"):
        open_index(tmp_path / "index", fake_embedder)


def test_unreadable_manifest_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    report = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    (tmp_path / "index" / "versions" / report.version / "manifest.json").write_text("{not json")
    with pytest.raises(IndexUnavailable, match="unreadable"):
        open_index(tmp_path / "index", fake_embedder)


def test_index_of_an_older_format_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    report = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    manifest_path = tmp_path / "index" / "versions" / report.version / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["schema_version"] = 0
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="has format 0"):
        open_index(tmp_path / "index", fake_embedder)


def test_concurrent_build_is_refused(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    with store._build_lock(tmp_path / "index"), pytest.raises(BuildBusy, match="another build is running"):
        build_index(knowledge_dir, tmp_path / "index", fake_embedder)


def test_corrupt_cache_is_rebuilt(knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "embeddings.sqlite").write_bytes(b"this is not a database" * 100)
    report = build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    assert report.embedded == 30


def test_large_indexes_use_hnsw_and_still_answer(
    knowledge_dir: Path, tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.search import Searcher

    monkeypatch.setattr(store, "HNSW_FROM", 10)
    build_index(knowledge_dir, tmp_path / "index", fake_embedder)
    loaded = open_index(tmp_path / "index", fake_embedder)
    assert loaded.manifest["index_type"] == "IndexHNSWFlat" and type(loaded.vectors).__name__ == "IndexHNSWFlat"
    hits = Searcher(loaded, fake_embedder).search("printing in Schaerbeek", k=5)
    assert hits[0].passage.centre == "beta" and all(-1.01 <= h.dense <= 1.01 for h in hits)
