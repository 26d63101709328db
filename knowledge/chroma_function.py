"""The Chroma embedding function that wraps our offline `Embedder`.

Why it exists: Chroma falls back to its own default embedding function (which downloads a
model) whenever a collection has none, and fails only at the first `add`. Every collection
in `knowledge` is created and opened with this function explicitly; it is registered so a
collection persisted with it can be reopened by name (`build_from_config`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chromadb.api.types import Embeddable, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from knowledge.embeddings import Embedder, get_embedder

FUNCTION_NAME = "nightshift-minilm-onnx"


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Embeddable]):
    """Chroma adapter: texts in, unit-length 384-d float32 vectors out (cosine space).

    Typed over Chroma's `Embeddable` (texts or images) because that is what collections
    accept; images raise `TypeError`.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Embeddable) -> Embeddings:
        texts = [item for item in input if isinstance(item, str)]
        if len(texts) != len(input):
            raise TypeError(f"{FUNCTION_NAME} embeds text only, got {type(input[0]).__name__}")
        return list(self.embedder.embed(texts))

    @staticmethod
    def name() -> str:
        return FUNCTION_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        """Persisted by Chroma with the collection; only the cache folder is needed."""
        return {"cache_dir": str(self.embedder.cache_dir)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(get_embedder(Path(config["cache_dir"])))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if not isinstance(config.get("cache_dir"), str):
            raise ValueError(f"{FUNCTION_NAME}: config needs a 'cache_dir' string, got {config}")
