"""Everything a running Nightshift needs, built in one place: store, knowledge, engine,
checkpointer, graph and pipeline. The app lifespan, `nightshift chat` and the scenario runner
all open the same runtime, so a scenario plays through the same code a shopper reaches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.context import AgentDeps
from agent.engines import Engine
from agent.graph import build_graph
from contracts.clock import Clock, SystemClock
from crm_store import dealerships, knowledge_docs
from crm_store.db import Store
from knowledge.embeddings import Embedder, get_embedder
from knowledge.store import KnowledgeBase
from nightshift.checkpoints import open_checkpointer
from nightshift.pipeline import Pipeline
from nightshift.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    store: Store
    knowledge: KnowledgeBase
    embedder: Embedder
    engine: Engine
    graph: Any
    pipeline: Pipeline
    clock: Clock


def build_engine(settings: Settings, deps: AgentDeps, embedder: Embedder) -> Engine:
    if settings.engine == "openai":
        from agent.engines.openai import OpenAIEngine

        return OpenAIEngine(
            deps,
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
            # A model call and its one retry must both fit inside the turn budget, so a retry
            # never starts after the pipeline has given up on the turn.
            timeout=settings.engine_timeout_seconds * 0.45,
        )
    from agent.engines.offline.engine import OfflineEngine

    return OfflineEngine(deps, embedder)


@contextmanager
def open_runtime(
    settings: Settings, *, clock: Clock | None = None, models_dir: Path | None = None
) -> Iterator[Runtime]:
    clock = clock or SystemClock()
    store = Store(settings.database_url, clock=clock)
    embedder = get_embedder(models_dir or settings.data_dir / "models")
    knowledge = KnowledgeBase(settings.data_dir / "chroma", embedder)
    deps = AgentDeps(store=store, knowledge=knowledge, clock=clock)
    engine = build_engine(settings, deps, embedder)
    try:
        with open_checkpointer(settings.database_url) as checkpointer:
            graph = build_graph(engine, deps, checkpointer)
            pipeline = Pipeline(deps, graph, timeout_seconds=settings.engine_timeout_seconds)
            try:
                yield Runtime(settings, store, knowledge, embedder, engine, graph, pipeline, clock)
            finally:
                pipeline.close()
    finally:
        store.dispose()


def sync_world_knowledge(store: Store, knowledge: KnowledgeBase, slug: str) -> int:
    """Index the dealership's configured knowledge texts into its Chroma collection.

    Idempotent: unchanged texts are not re-embedded, edited ones replace their old chunks.
    Returns the number of chunks indexed for these texts.
    """
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
        docs = knowledge_docs.list_docs(uow, dealership_id=dealer.id)
    return sum(
        knowledge.upsert_document(
            slug, source=f"world:{doc.title}", title=doc.title, text=doc.text, fmt="text"
        )
        for doc in docs
    )
