"""A SQLite cache of passage embeddings keyed by model and content hash, so rebuilds embed only new text.

The model key (`model_namespace`) covers the model's identity string and a probe vector, so a vector
computed by one model is never served to another, even one of the same dimension."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedder import Embedder, model_namespace


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors already computed by one model, looked up by the hash of the text they embed."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path = path
        self.embedder = embedder
        self.namespace = model_namespace(embedder)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS embeddings (namespace TEXT, hash TEXT, vector BLOB, PRIMARY KEY (namespace, hash))")
        self.hits = 0
        self.misses = 0

    def close(self) -> None:
        self._db.close()

    def embed(self, texts: Sequence[str], *, show_progress: bool = False, queries: bool = False) -> np.ndarray:
        """Vectors for `texts` as passages (or, with `queries`, as questions: e5 embeds them
        apart), computing only those not cached yet."""
        hashes = [content_hash(f"query\0{text}" if queries else text) for text in texts]
        known = self._lookup(set(hashes))
        missing = [i for i, h in enumerate(hashes) if h not in known]
        self.hits, self.misses = len(texts) - len(missing), len(missing)
        if missing:
            wanted = [texts[i] for i in missing]
            fresh = self.embedder.embed_queries(wanted) if queries else self.embedder.embed_passages(wanted, show_progress=show_progress)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                    [(self.namespace, hashes[i], fresh[row].tobytes()) for row, i in enumerate(missing)],
                )
            for row, i in enumerate(missing):
                known[hashes[i]] = fresh[row]
        out = np.empty((len(texts), self.embedder.dimension), dtype=np.float32)
        for i, h in enumerate(hashes):
            out[i] = known[h]
        return out

    def _lookup(self, hashes: set[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = list(hashes)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT hash, vector FROM embeddings WHERE namespace = ? AND hash IN ({marks})", [self.namespace, *chunk]
            )
            for h, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape == (self.embedder.dimension,):
                    found[h] = vector
        return found
