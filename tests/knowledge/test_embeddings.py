"""The ONNX embedder against a plain-numpy forward pass, and its public contract."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from knowledge.embeddings import DIMENSION, MAX_TOKENS, Embedder, get_embedder, onnx_path
from tests.knowledge.reference import NumpyMiniLM

SENTENCES = [
    "what time do you open saturday",
    "Sales hours: Saturday 9am-7pm",
    "We offer free home delivery within 25 miles",
    "Harbor Point Honda charges a documentation fee of $85, which is the California dealer "
    "documentation fee for processing your sale and DMV paperwork.",
    "",
]


def _encode(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encodings = embedder._tokenizer.encode_batch(texts)
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros((len(texts), width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


def test_matches_numpy_reference(embedder: Embedder) -> None:
    ids, mask = _encode(embedder, SENTENCES)
    expected = NumpyMiniLM(embedder.model_dir).embed(ids, mask)
    got = embedder.embed(SENTENCES)
    cosines = (got.astype(np.float64) * expected).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines


def test_shape_dtype_and_unit_norm(embedder: Embedder) -> None:
    vectors = embedder.embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    one = embedder.embed_one(SENTENCES[0])
    assert one.shape == (DIMENSION,)
    np.testing.assert_allclose(one, vectors[0], atol=1e-5)


def test_padding_does_not_change_a_sentence(embedder: Embedder) -> None:
    """A short sentence embeds the same alone and batched with much longer ones."""
    alone = embedder.embed_one("do you have fast chargers")
    batched = embedder.embed(["word " * 150, "do you have fast chargers", "x " * 40])[1]
    np.testing.assert_allclose(alone, batched, atol=1e-5)


def test_repeated_texts_run_through_the_model_once(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a call and across calls a text is embedded once; a cached row equals a fresh
    one, and changing a returned array does not change what the next caller gets."""
    texts = ["is the cache-test tacoma still there", "cache-test doc fee?"]
    fresh = Embedder(embedder.cache_dir).embed(texts)  # its own, empty cache
    ran: list[list[str]] = []
    inner = embedder._embed_uncached

    def counting(batch: list[str]) -> np.ndarray:
        ran.append(list(batch))
        return inner(batch)

    monkeypatch.setattr(embedder, "_embed_uncached", counting)
    first = embedder.embed([texts[0], texts[1], texts[0]])
    first[:] = 0.0
    again = embedder.embed([texts[1], "cache-test new one", texts[0]])
    assert ran == [texts, ["cache-test new one"]]
    np.testing.assert_array_equal(again[[0, 2]], fresh[[1, 0]])


def test_long_text_is_truncated_not_rejected(embedder: Embedder) -> None:
    long_text = "The service department is open on Saturday. " * 100
    ids, _ = _encode(embedder, [long_text])
    assert ids.shape[1] == MAX_TOKENS
    vector = embedder.embed_one(long_text)
    assert np.isfinite(vector).all()


def test_empty_batch(embedder: Embedder) -> None:
    assert embedder.embed([]).shape == (0, DIMENSION)
    with pytest.raises(TypeError):
        embedder.embed("a bare string")


def test_semantic_neighbours_score_higher(embedder: Embedder) -> None:
    query, hours, delivery = embedder.embed(SENTENCES[:3])
    assert float(query @ hours) > float(query @ delivery) + 0.2


def test_onnx_file_is_cached_and_reused(model_cache: Path, embedder: Embedder) -> None:
    path = onnx_path(model_cache)
    assert path.is_file() and path.parent == model_cache
    before = path.stat().st_mtime_ns
    again = Embedder(model_cache)
    assert path.stat().st_mtime_ns == before
    np.testing.assert_allclose(again.embed_one("hi"), embedder.embed_one("hi"), atol=1e-6)


def test_get_embedder_is_one_instance_across_threads(model_cache: Path) -> None:
    seen: list[Embedder] = []

    def grab() -> None:
        seen.append(get_embedder(model_cache))

    threads = [threading.Thread(target=grab) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(e) for e in seen}) == 1
    assert seen[0] is get_embedder(Path(str(model_cache) + "/."))


def test_concurrent_embeds_agree(embedder: Embedder) -> None:
    expected = embedder.embed(SENTENCES)
    results: list[np.ndarray] = []
    lock = threading.Lock()

    def work() -> None:
        got = embedder.embed(SENTENCES)
        with lock:
            results.append(got)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 6
    for got in results:
        np.testing.assert_allclose(got, expected, atol=1e-5)


def test_onnxruntime_telemetry_disabled() -> None:
    assert os.environ.get("ORT_DISABLE_TELEMETRY") == "1"
