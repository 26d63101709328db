"""Part 2 of the shopper events benchmark (`bench/signals_bench.py`): the rules cost
O(that customer's events in the window), not O(all events). For FIXED customers, the rule
evaluation of a batch of their new events (`alerts_for`) and the whole ingest of another
batch of theirs, each rolled back, are timed with a small and then a ten times larger number
of other customers' events stored in the same 48 h; printed with the query plan of the
per-customer window read, captured as the store sends it."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bench.signals_world import (
    BATCH,
    KNOWN,
    NOW,
    SPREAD,
    analyze,
    insert,
    phone,
    stocks,
    world,
)
from contracts.clock import FrozenClock
from crm_store.db import Store
from crm_store.models import Customer
from signals.evaluate import alerts_for
from signals.events import parse_batch
from signals.ingest import ingest

FIXED = 50  # customers whose batches are timed, 10 stored + 10 new events each
REPEATS = 5  # timed runs of each measure, after one warm-up


@contextmanager
def captured(store: Store, marker: str) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with parameters) sent while inside that contain `marker`."""
    seen: list[tuple[str, Any]] = []

    def listen(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if marker in statement:
            seen.append((statement, parameters))

    sa.event.listen(store.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", listen)


def plan(store: Store, statement: str, parameters: Any) -> list[str]:
    sqlite = store.backend == "sqlite"
    with store.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters
        ).all()
    return [str(row[-1]) for row in rows]


def median_ms(store: Store, work: Callable[[Any], object]) -> float:
    """The median time of `work(uow)` over REPEATS runs, each rolled back (after a warm-up)."""
    times: list[float] = []
    for n in range(REPEATS + 1):
        with store.unit_of_work() as uow:
            began = time.perf_counter()
            work(uow)
            if n >= 1:
                times.append((time.perf_counter() - began) * 1000)
            uow.session.rollback()
    return statistics.median(times)


def per_customer(url: str, clock: FrozenClock, others: tuple[int, int]) -> None:
    store, dealer_id = world(url, clock)
    rng = random.Random(81)  # noqa: S311 (a seeded mix, not a secret)
    cars = list(stocks(store, dealer_id).items())
    with store.reading() as uow:
        query = sa.select(Customer.phone, Customer.id).where(Customer.dealership_id == dealer_id)
        by_phone = {str(p): cid for p, cid in uow.session.execute(query)}
    fixed = [by_phone[phone(n)] for n in range(FIXED)]
    rest = [by_phone[phone(n)] for n in range(FIXED, KNOWN)]

    def rows(count: int, who: Callable[[], int], tag: str) -> list[dict[str, Any]]:
        made = []
        for n in range(count):
            stock, vehicle_id = rng.choice(cars)
            age = timedelta(seconds=rng.uniform(60, SPREAD.total_seconds()))
            made.append(
                {
                    "dealership_id": dealer_id,
                    "event_id": f"{tag}-{n}",
                    "type": "vdp_view",
                    "at": NOW - age,
                    "received_at": NOW,
                    "customer_id": who(),
                    "vehicle_id": vehicle_id,
                    "stock": stock,
                    "properties": {},
                }
            )
        return made

    def fill(count: int, tag: str) -> None:
        made = rows(count, lambda: rng.choice(rest), tag)
        for i in range(0, count, BATCH):
            insert(store, made[i : i + BATCH])
        analyze(store)

    fixed_cycle = iter(fixed * 1_000)
    insert(store, rows(FIXED * 10, lambda: next(fixed_cycle), "history"))
    new_ids = insert(store, rows(FIXED * 10, lambda: next(fixed_cycle), "new"))
    later = [
        {
            "type": "vdp_view",
            "at": (NOW - timedelta(minutes=n % 600)).isoformat(),
            "event_id": f"later-{n}",
            "customer": {"phone": phone(n % FIXED)},
            "vehicle": {"stock": cars[n % len(cars)][0]},
        }
        for n in range(BATCH)
    ]
    events = parse_batch(later, now=NOW)

    def rules(uow: Any) -> object:
        return alerts_for(uow, dealership_id=dealer_id, event_ids=new_ids, customer_ids=fixed)

    def whole(uow: Any) -> object:
        return ingest(uow, dealership_id=dealer_id, events=events)

    fill(others[0], "other-a")
    small = median_ms(store, rules), median_ms(store, whole)
    fill(others[1] - others[0], "other-b")
    with captured(store, "ORDER BY shopper_events.at DESC") as seen:
        large = median_ms(store, rules), median_ms(store, whole)
    lines = plan(store, *seen[0])
    store.dispose()
    grow = others[1] / others[0]
    print(f"  O(that customer's events): {FIXED} customers, 10 events stored + 10 new each")
    measures = ("rule evaluation of their 500 new events", "whole ingest of 500 more of theirs")
    for what, a, b in zip(measures, small, large, strict=True):
        print(
            f"  {what}: {a:7.1f} ms with {others[0]:,} other customers' events stored,"
            f" {b:7.1f} ms with {others[1]:,}   ({b / a:4.2f}x; O(all events): ~{grow:.0f}x)"
        )
    print("  query plan of the customers' window read (`shopper_events.latest_events_of`):")
    for line in lines:
        print(f"    {line}")
