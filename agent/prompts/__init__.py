"""All prompt and reply text lives in this folder: the system prompt, the offline engine's reply
templates and the guardrail's safe replies. Code picks and fills them; it writes no prose."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

import yaml

HERE = Path(__file__).parent
VERSION = "2026-12-03.1"


@cache
def text(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


@cache
def templates() -> dict[str, list[str]]:
    data: dict[str, Any] = yaml.safe_load(text("replies.yaml"))
    return {key: list(value) if isinstance(value, list) else [value] for key, value in data.items()}


def render(key: str, seed: str = "", **values: Any) -> str:
    """Template `key` filled with `values`; the variant is chosen by `seed`, deterministically,
    so a scenario replays word for word while different conversations read differently.

    A value given as None is missing (a shopper who gave no name): only the variants that do
    not need it are used, so no reply ever reads "Thanks, there" or "Thanks, None". Among the
    usable variants, those that use the most of the values given are preferred. A template
    with no variant that can do without a missing value is a bug in replies.yaml."""
    usable = [v for v in templates()[key] if not _fields(v) & _missing(values)]
    if not usable:
        raise ValueError(
            f"template {key!r}: every variant needs {sorted(_missing(values))}, which is missing;"
            " add a variant without it to replies.yaml"
        )
    given = set(values) - _missing(values)
    most = max(len(_fields(v) & given) for v in usable)
    variants = [v for v in usable if len(_fields(v) & given) == most]
    index = int(hashlib.sha256(f"{key}:{seed}".encode()).hexdigest(), 16) % len(variants)
    return variants[index].format(**values).strip()


def _missing(values: dict[str, Any]) -> set[str]:
    return {name for name, value in values.items() if value is None}


@cache
def _fields(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)
