"""The demo dealership as tests use it: its slug, settings for a fresh folder, and the real
runtime over a freshly loaded copy of it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from contracts.clock import Clock
from contracts.messages import InboundMessage
from crm_store import customers, dealerships, handoffs, migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-dealership.yaml"
SLUG = "harbor-point-honda"


def demo_settings(folder: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    """The demo's settings; `overrides` are validated as if read from the environment."""
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url or f"sqlite:///{folder}/nightshift.db",
        data_dir=folder,
        engine="offline",
        **overrides,
    )


@contextmanager
def demo_runtime(folder: Path, clock: Clock, models_dir: Path) -> Iterator[Runtime]:
    """The real runtime (offline engine) over the demo dealership on a fresh SQLite file."""
    settings = demo_settings(folder)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=clock, models_dir=models_dir) as runtime:
        apply_world(runtime.store, load_world_file(DEMO))
        sync_world_knowledge(runtime.store, runtime.knowledge, SLUG)
        yield runtime


def chat(rt: Runtime, phone: str, *texts: str, slug: str = SLUG) -> tuple[list[str], int]:
    """The shopper at `phone` texts the dealership (the demo one unless `slug` says) `texts`,
    one after another: each turn's replies joined, and the conversation's id."""
    replies: list[str] = []
    conversation = 0
    for text in texts:
        result = rt.pipeline.handle_inbound(InboundMessage(slug, "sms", phone, text))
        replies.append(" ".join(m.body for m in result.replies))
        conversation = result.conversation_id
    return replies, conversation


def handoff_reasons(rt: Runtime, conversation_id: int) -> tuple[str, ...]:
    """The reasons of the conversation's live handoff; () when nobody was paged."""
    with rt.store.reading() as uow:
        live = handoffs.live_for_conversation(uow, conversation_id=conversation_id)
    return tuple(live.reasons) if live else ()


def customer_name(rt: Runtime, phone: str) -> str | None:
    with rt.store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        record = customers.find_by_phone(uow, dealership_id=dealer.id, phone=phone)
    return record.name if record else None
