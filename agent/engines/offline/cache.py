"""An LRU cache in front of the embedder: knowledge sentences and repeated phrasings are
embedded once, so answering from a passage costs a dot product, not a model run."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from agent.engines.offline.intents import EmbedderLike


class CachedEmbedder:
    def __init__(self, inner: EmbedderLike, size: int = 8192) -> None:
        self.inner = inner
        self.size = size
        self._vectors: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> Any:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            fresh = np.asarray(self.inner.embed(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._vectors[text] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        with self._lock:
            rows = []
            for text in texts:
                vector = self._vectors.get(text)
                if vector is None:  # evicted meanwhile by another thread: recompute
                    vector = np.asarray(self.inner.embed([text]), dtype=np.float32)[0]
                else:
                    self._vectors.move_to_end(text)
                rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
