"""Build an ONNX graph of the MiniLM (BERT) encoder straight from its safetensors weights.

Why: the packaged model ships only PyTorch-format weights and we run without torch and
without network access. The graph is assembled op by op with the `onnx` helper API from
the weights in `model.safetensors` and the shapes in `config.json`.

Contract of the exported graph (opset 17):

- inputs ``input_ids`` and ``attention_mask``: int64, shape ``[batch, seq]``; token type
  ids are always 0 for single sentences, so the type-0 row is folded into the embeddings.
- output ``last_hidden_state``: float32, shape ``[batch, seq, hidden]``; pooling and
  normalisation are the caller's job.

`load_safetensors` is a tiny stdlib+numpy reader for the safetensors format (an 8-byte
little-endian header length, a JSON header, then raw little-endian tensors).
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

_DTYPES: dict[str, type[np.generic]] = {
    "F32": np.float32,
    "F16": np.float16,
    "I64": np.int64,
    "I32": np.int32,
}


def load_safetensors(path: Path) -> dict[str, npt.NDArray[Any]]:
    """Read every tensor in a safetensors file into numpy arrays (copies, writable)."""
    data = path.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    header: dict[str, Any] = json.loads(data[8 : 8 + header_len])
    base = 8 + header_len
    tensors: dict[str, npt.NDArray[Any]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name!r} has unsupported dtype {info['dtype']!r}")
        start, end = info["data_offsets"]
        raw = np.frombuffer(
            data[base + start : base + end], dtype=np.dtype(dtype).newbyteorder("<")
        )
        tensors[name] = raw.reshape(info["shape"]).astype(dtype)
    return tensors


def load_config(model_dir: Path) -> dict[str, Any]:
    """The Hugging Face `config.json`, checked to be the BERT variant this exporter builds."""
    config: dict[str, Any] = json.loads((model_dir / "config.json").read_text())
    if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
        raise ValueError(f"{model_dir}: expected a BERT model with gelu activation")
    return config


def build_bert_onnx(model_dir: Path) -> bytes:
    """Serialise the encoder in `model_dir` as an ONNX model (see the module contract)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    config = load_config(model_dir)
    weights = load_safetensors(model_dir / "model.safetensors")
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    head_dim = hidden // heads
    eps = float(config["layer_norm_eps"])

    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []

    def const(name: str, value: npt.NDArray[Any]) -> str:
        inits.append(numpy_helper.from_array(value, name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def linear(x: str, prefix: str, out: str) -> str:
        w = const(f"{prefix}.weight_t", np.ascontiguousarray(weights[f"{prefix}.weight"].T))
        b = const(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return node("Add", [node("MatMul", [x, w], f"{out}_mm"), b], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        scale = const(f"{prefix}.weight", weights[f"{prefix}.weight"])
        bias = const(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return node("LayerNormalization", [x, scale, bias], out, axis=-1, epsilon=eps)

    # Embeddings: word + position[:seq] + token_type[0], then LayerNorm.
    i64 = np.int64
    const("zero_1d", np.array([0], dtype=i64))
    const("one_1d", np.array([1], dtype=i64))
    word = const("word_embeddings", weights["embeddings.word_embeddings.weight"])
    position = const("position_embeddings", weights["embeddings.position_embeddings.weight"])
    type0 = const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0])
    shape = node("Shape", ["input_ids"], "ids_shape")
    seq_len = node("Slice", [shape, "one_1d", const("two_1d", np.array([2], dtype=i64))], "seq_len")
    pos = node("Slice", [position, "zero_1d", seq_len, "zero_1d"], "pos_emb")
    tok = node("Gather", [word, "input_ids"], "tok_emb", axis=0)
    emb = node("Add", [node("Add", [tok, pos], "tok_pos"), type0], "emb_sum")
    x = layer_norm(emb, "embeddings.LayerNorm", "emb_out")

    # Additive attention mask [batch, 1, 1, seq]: 0 where attended, -10000 where padding.
    mask_f = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    mask_4d = node("Unsqueeze", [mask_f, const("axes_1_2", np.array([1, 2], dtype=i64))], "mask4")
    inverted = node("Sub", [const("one_f", np.array(1.0, np.float32)), mask_4d], "mask_inv")
    add_mask = node("Mul", [inverted, const("neg_big", np.array(-10000.0, np.float32))], "mask_add")

    split_shape = const("split_heads", np.array([0, 0, heads, head_dim], dtype=i64))
    merge_shape = const("merge_heads", np.array([0, 0, hidden], dtype=i64))
    scale = const("attn_scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    sqrt2 = const("sqrt2", np.array(math.sqrt(2.0), np.float32))
    half = const("half", np.array(0.5, np.float32))
    one = "one_f"

    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}"
        heads_of: dict[str, str] = {}
        for part in ("query", "key", "value"):
            proj = linear(x, f"{p}.attention.self.{part}", f"l{i}_{part}")
            split = node("Reshape", [proj, split_shape], f"l{i}_{part}_split")
            perm = [0, 2, 3, 1] if part == "key" else [0, 2, 1, 3]
            heads_of[part] = node("Transpose", [split], f"l{i}_{part}_heads", perm=perm)
        scores = node("MatMul", [heads_of["query"], heads_of["key"]], f"l{i}_scores")
        scaled = node("Mul", [scores, scale], f"l{i}_scaled")
        masked = node("Add", [scaled, add_mask], f"l{i}_masked")
        probs = node("Softmax", [masked], f"l{i}_probs", axis=-1)
        context = node("MatMul", [probs, heads_of["value"]], f"l{i}_ctx")
        merged = node(
            "Reshape",
            [node("Transpose", [context], f"l{i}_ctx_t", perm=[0, 2, 1, 3]), merge_shape],
            f"l{i}_ctx_merged",
        )
        attn = linear(merged, f"{p}.attention.output.dense", f"l{i}_attn_out")
        attn_res = node("Add", [attn, x], f"l{i}_attn_res")
        x = layer_norm(attn_res, f"{p}.attention.output.LayerNorm", f"l{i}_attn_ln")

        inter = linear(x, f"{p}.intermediate.dense", f"l{i}_inter")
        erf = node("Erf", [node("Div", [inter, sqrt2], f"l{i}_gelu_div")], f"l{i}_gelu_erf")
        gelu = node(
            "Mul",
            [node("Mul", [inter, node("Add", [erf, one], f"l{i}_gelu_1p")], f"l{i}_gelu_x"), half],
            f"l{i}_gelu",
        )
        ffn = linear(gelu, f"{p}.output.dense", f"l{i}_ffn")
        ffn_res = node("Add", [ffn, x], f"l{i}_ffn_res")
        x = layer_norm(ffn_res, f"{p}.output.LayerNorm", f"l{i}_out")

    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="output"))
    graph = helper.make_graph(
        nodes,
        "minilm_encoder",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        outputs=[
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "seq", hidden]
            )
        ],
        initializer=inits,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="nightshift.knowledge"
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    payload: bytes = model.SerializeToString()
    return payload


def export_onnx(model_dir: Path, target: Path) -> Path:
    """Write the ONNX graph to `target` atomically (temp file + rename), creating folders.

    Safe against concurrent exporters: each writes its own temp file and the last rename
    wins with identical content, so readers never see a partial file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = build_bert_onnx(model_dir)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
