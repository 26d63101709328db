"""Offline engine per-turn latency on the demo dealership, through the real pipeline.

Prints p50/p95 in ms and as ratios against a baseline measured in the same run: storing the
same messages without the agent (the pipeline's persistence alone). Target: p95 < 50 ms.
Run: `make bench` (or `.venv/bin/python bench/turn_bench.py`).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.clock import FrozenClock  # noqa: E402
from contracts.messages import InboundMessage  # noqa: E402
from crm_store import conversations, customers, dealerships, messages, migrate  # noqa: E402
from crm_store.types import Author, Channel, Direction  # noqa: E402
from nightshift.runtime import open_runtime, sync_world_knowledge  # noqa: E402
from nightshift.settings import Settings  # noqa: E402
from nightshift.world import apply_world, load_world_file  # noqa: E402

CONVERSATIONS = [
    [
        "hi do you have any used honda civics under 25k?",
        "can I test drive it saturday morning?",
        "10 works",
    ],
    ["how much is your doc fee", "what time do you close on sunday", "thanks"],
    ["looking for an f150", "how many miles does it have", "whats the best price you can do"],
    ["any suvs with third row under 50k", "what about the other one", "are you a bot"],
    ["do you deliver? im about 40 miles away", "my name is Sam Ortiz, email sam@example.com"],
    ["is the tesla still available", "can i drive it tomorrow at 2pm", "can we do 3 instead"],
]
ROUNDS = 8


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    models = ROOT / "var" / "models"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, database_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp)
        )
        migrate.upgrade(settings.database_url)
        clock = FrozenClock(datetime(2026, 3, 6, 21, 40, tzinfo=ZoneInfo("America/Los_Angeles")))
        with open_runtime(settings, clock=clock, models_dir=models) as rt:
            summary = apply_world(rt.store, load_world_file(ROOT / "examples/demo-dealership.yaml"))
            slug = summary.dealership.slug
            sync_world_knowledge(rt.store, rt.knowledge, slug)
            turns: list[float] = []
            baseline: list[float] = []
            phone = 0
            for round_ in range(ROUNDS):
                for script in CONVERSATIONS:
                    phone += 1
                    sender = f"+1805600{phone:04d}"
                    for line in script:
                        began = time.perf_counter()
                        rt.pipeline.handle_inbound(InboundMessage(slug, "sms", sender, line))
                        if round_ > 0:  # the first round warms caches
                            turns.append((time.perf_counter() - began) * 1000)
                        began = time.perf_counter()
                        _persist_only(rt.store, slug, f"+1805700{phone:04d}", line)
                        if round_ > 0:
                            baseline.append((time.perf_counter() - began) * 1000)
    p50, p95 = statistics.median(turns), percentile(turns, 0.95)
    b50, b95 = statistics.median(baseline), percentile(baseline, 0.95)
    print(f"offline engine, demo dealership: {len(turns)} turns")
    print(f"  per-turn latency  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (target p95 < 50 ms)")
    print(f"  baseline (persist inbound + reply, no agent)  p50 {b50:6.1f} ms   p95 {b95:6.1f} ms")
    print(f"  ratio to baseline  p50 {p50 / b50:5.1f}x   p95 {p95 / b95:5.1f}x")
    print(f"  p95 target {'met' if p95 < 50 else 'NOT met'}")


def _persist_only(store: object, slug: str, phone: str, text: str) -> None:
    from crm_store.db import Store

    assert isinstance(store, Store)
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=phone, source="bench"
        )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer.id, customer_id=shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=text,
        )
    with store.unit_of_work() as uow:
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.OUTBOUND,
            author=Author.ASSISTANT,
            body="ok",
        )


if __name__ == "__main__":
    main()
