"""All prompt and reply text lives in this folder: the system prompt, the offline engine's reply
templates and the guardrail's safe replies. Code picks and fills them; it writes no prose."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
VERSION = "2026-11-25.2"


@cache
def text(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@cache
def templates() -> dict[str, list[str]]:
    data: dict[str, Any] = yaml.safe_load(text("replies.yaml"))
    return {key: list(value) if isinstance(value, list) else [value] for key, value in data.items()}


def render(key: str, seed: str = "", **values: Any) -> str:
    """Template `key` filled with `values`; the variant is chosen by `seed`, deterministically,
    so a scenario replays word for word while different conversations read differently."""
    variants = templates()[key]
    index = int(hashlib.sha256(f"{key}:{seed}".encode()).hexdigest(), 16) % len(variants)
    return variants[index].format(**values).strip()
