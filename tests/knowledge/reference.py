"""A plain-numpy forward pass of the MiniLM encoder, the yardstick for the ONNX graph.

Written independently of the graph builder (only the safetensors reader is shared) and kept
close to the Hugging Face BertModel maths: exact erf GELU, post-LayerNorm residual blocks.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.onnx_export import load_config, load_safetensors

Array = npt.NDArray[np.float64]


def _layer_norm(x: Array, w: Array, b: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def _gelu(x: Array) -> Array:
    erf = np.vectorize(math.erf)
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class NumpyMiniLM:
    """float64 reference encoder; `embed` returns pooled, L2-normalised sentence vectors."""

    def __init__(self, model_dir: Path) -> None:
        self.config: dict[str, Any] = load_config(model_dir)
        raw = load_safetensors(model_dir / "model.safetensors")
        self.w = {k: v.astype(np.float64) for k, v in raw.items() if v.dtype == np.float32}

    def _linear(self, x: Array, prefix: str) -> Array:
        return x @ self.w[f"{prefix}.weight"].T + self.w[f"{prefix}.bias"]

    def hidden_states(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Array:
        cfg, w = self.config, self.w
        eps = float(cfg["layer_norm_eps"])
        heads = int(cfg["num_attention_heads"])
        batch, seq = ids.shape
        hidden = int(cfg["hidden_size"])
        head_dim = hidden // heads
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(seq)][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        bias = (1.0 - mask[:, None, None, :].astype(np.float64)) * -10000.0
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}"

            def split(t: Array) -> Array:
                return t.reshape(batch, seq, heads, head_dim).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head_dim) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            probs = scores / scores.sum(axis=-1, keepdims=True)
            ctx = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
            attn = self._linear(ctx, f"{p}.attention.output.dense")
            x = _layer_norm(
                attn + x,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                eps,
            )
            ffn = self._linear(
                _gelu(self._linear(x, f"{p}.intermediate.dense")), f"{p}.output.dense"
            )
            x = _layer_norm(
                ffn + x, w[f"{p}.output.LayerNorm.weight"], w[f"{p}.output.LayerNorm.bias"], eps
            )
        return x

    def embed(self, ids: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> Array:
        h = self.hidden_states(ids, mask)
        m = mask[:, :, None].astype(np.float64)
        pooled = (h * m).sum(axis=1) / m.sum(axis=1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
