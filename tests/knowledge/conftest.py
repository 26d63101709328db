"""Knowledge fixtures: one ONNX conversion per test session, a fresh Chroma folder per test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.embeddings import Embedder, get_embedder
from knowledge.store import KnowledgeBase

DEMO_WORLD = Path(__file__).resolve().parents[2] / "examples" / "demo-dealership.yaml"
DEALER = "harbor-point-honda"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ONNX cache folder shared by every knowledge test (conversion happens once)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(model_cache: Path) -> Embedder:
    return get_embedder(model_cache)


@pytest.fixture
def kb(tmp_path: Path, embedder: Embedder) -> KnowledgeBase:
    return KnowledgeBase(tmp_path / "chroma", embedder)


@pytest.fixture(scope="session")
def demo_knowledge() -> list[dict[str, Any]]:
    world = yaml.safe_load(DEMO_WORLD.read_text())
    docs: list[dict[str, Any]] = world["knowledge"]
    return docs


@pytest.fixture
def demo_kb(kb: KnowledgeBase, demo_knowledge: list[dict[str, Any]]) -> KnowledgeBase:
    for doc in demo_knowledge:
        kb.upsert_document(
            DEALER, source=f"world:{doc['title']}", title=doc["title"], text=doc["text"]
        )
    return kb
