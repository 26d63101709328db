"""Shopper events ingestion (issue 18), measured in one run on the demo dealership:

1. 100,000 events (seeded: mostly anonymous vehicle page views from ~5,000 visitors, ~2,000
   of them known customers who give their phone now and then, some price watches, trade-in
   and payment calculators and forms; `at` over the last 48 h of the clock) in batches of
   500 with the intent rules on: (a) through the real app over HTTP (`POST /api/events`,
   uvicorn on a free port, an integration API token), (b) through `signals.ingest` directly
   (parse and ingest, no HTTP), beside (c) the baseline: the same rows inserted bare into
   shopper_events, one cached INSERT executed with the batch's rows in one transaction
   (SQLAlchemy core; sent as multi-row INSERTs).
   Printed: events/s, p50/p95 batch latency, and (a), (b) as ratios to (c).
2. The rules cost O(that customer's events in the window), not O(all events): for a fixed
   set of customers, the rule evaluation of a batch of their new events (`alerts_for`) and
   the whole ingest of another batch of theirs, each rolled back, timed with 10,000 and then
   100,000 events of other customers stored in the same 48 h: the ratio should stay near 1. Printed
   with the query plan of the per-customer window read, as the store sends it.

Each part runs on a fresh database. SQLite by default; `--pg` (or NIGHTSHIFT_BENCH_PG=1)
adds PostgreSQL at 127.0.0.1:5432 (user postgres), in databases made for the run and dropped
after; ANALYZE runs there after loading, as autovacuum would. `--quick`: 10,000 events and
1,000 vs 10,000 others, a smoke run.
Run: `make bench` (or `.venv/bin/python bench/signals_bench.py [--pg] [--quick]`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.signals_scaling import per_customer  # noqa: E402
from bench.signals_world import (  # noqa: E402
    BATCH,
    DEMO,
    KNOWN,
    NOW,
    VISITORS,
    Databases,
    bare_rows,
    generate,
    insert,
    world,
)
from bench.sms_bench import percentile, serve  # noqa: E402
from contracts.clock import FrozenClock  # noqa: E402
from crm_store import api_tokens  # noqa: E402
from nightshift.app import create_app  # noqa: E402
from nightshift.settings import Settings  # noqa: E402
from nightshift.world import load_world_file  # noqa: E402
from signals.events import parse_batch  # noqa: E402
from signals.ingest import ingest  # noqa: E402

MODELS = ROOT / "var" / "models"
EVENTS, QUICK_EVENTS = 100_000, 10_000
OTHERS, QUICK_OTHERS = (10_000, 100_000), (1_000, 10_000)  # part 2: others' events stored


# -- part 1: the rate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    name: str
    latencies: list[float]  # ms per batch
    seconds: float
    events: int

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)


def timed(name: str, batches: list[list[dict[str, Any]]], one: Callable[[int], None]) -> Run:
    latencies: list[float] = []
    began = time.perf_counter()
    for n in range(len(batches)):
        start = time.perf_counter()
        one(n)
        latencies.append((time.perf_counter() - start) * 1000)
    seconds = time.perf_counter() - began
    return Run(name, latencies, seconds, sum(len(b) for b in batches))


def bare_run(url: str, clock: FrozenClock, batches: list[list[dict[str, Any]]]) -> Run:
    store, dealer_id = world(url, clock)
    try:
        rows = [bare_rows(b, dealer_id) for b in batches]

        def one(n: int) -> None:
            insert(store, rows[n])

        return timed("bare INSERT, one transaction per batch", batches, one)
    finally:
        store.dispose()


def direct_run(
    url: str, clock: FrozenClock, batches: list[list[dict[str, Any]]], alerts: list[int]
) -> Run:
    store, dealer_id = world(url, clock)

    def one(n: int) -> None:
        events = parse_batch(batches[n], now=clock.now())
        with store.unit_of_work() as uow:
            alerts.append(ingest(uow, dealership_id=dealer_id, events=events).alerts)

    try:
        return timed("signals.ingest, rules on (no HTTP)", batches, one)
    finally:
        store.dispose()


def http_run(
    url: str,
    folder: Path,
    clock: FrozenClock,
    batches: list[list[dict[str, Any]]],
    alerts: list[int],
) -> Run:
    store, dealer_id = world(url, clock)
    with store.unit_of_work() as uow:
        _, token = api_tokens.create_token(uow, dealership_id=dealer_id, name="bench site")
    store.dispose()
    settings = Settings(
        _env_file=None,
        database_url=url,
        data_dir=folder,
        engine="offline",
        inline_worker=False,
        log_level="WARNING",
    )
    bodies = [json.dumps(b).encode() for b in batches]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    app = create_app(settings, clock=clock, models_dir=MODELS)
    with serve(app) as base, httpx.Client(base_url=base, timeout=120) as client:

        def one(n: int) -> None:
            response = client.post("/api/events", content=bodies[n], headers=headers)
            if response.status_code != 201 or response.json()["accepted"] != len(batches[n]):
                raise SystemExit(f"batch {n}: {response.status_code} {response.text[:300]}")
            alerts.append(response.json()["alerts"])

        return timed("POST /api/events, rules on (HTTP)", batches, one)


# -- the run ------------------------------------------------------------------------------


def backend_run(backend: str, quick: bool) -> None:
    count = QUICK_EVENTS if quick else EVENTS
    others = QUICK_OTHERS if quick else OTHERS
    with tempfile.TemporaryDirectory() as folder:
        dbs = Databases(backend, Path(folder))
        try:
            clock = FrozenClock(NOW)
            inventory = sorted(car.stock for car in load_world_file(DEMO).inventory)
            batches = generate(count, inventory)
            direct_alerts: list[int] = []
            http_alerts: list[int] = []
            bare = bare_run(dbs.fresh("bare"), clock, batches)
            direct = direct_run(dbs.fresh("direct"), clock, batches, direct_alerts)
            http = http_run(dbs.fresh("http"), Path(folder), clock, batches, http_alerts)
            label = "SQLite" if backend == "sqlite" else "PostgreSQL"
            print(
                f"Shopper events, {label}: {count:,} events in {len(batches)} batches of {BATCH}"
                f" ({VISITORS:,} visitors, {KNOWN:,} known customers), demo dealership"
            )
            for run in (bare, direct, http):
                ratio = (
                    "baseline"
                    if run is bare
                    else f"{run.rate / bare.rate:4.2f}x the baseline rate,"
                    f" p95 {run.p95 / bare.p95:4.1f}x"
                )
                print(
                    f"  {run.name:<40} {run.rate:8.0f} events/s   batch p50"
                    f" {statistics.median(run.latencies):7.1f} ms  p95 {run.p95:7.1f} ms"
                    f"   ({ratio})"
                )
            print(
                f"  alerts fired: {sum(direct_alerts)} through signals.ingest,"
                f" {sum(http_alerts)} through HTTP"
            )
            per_customer(dbs.fresh("customer"), clock, others)
        finally:
            if backend == "postgresql":
                dbs.drop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL too (127.0.0.1:5432)")
    parser.add_argument("--quick", action="store_true", help="a 10,000-event smoke run")
    args = parser.parse_args()
    backends = ["sqlite"]
    if args.pg or os.environ.get("NIGHTSHIFT_BENCH_PG") == "1":
        backends.append("postgresql")
    for backend in backends:
        backend_run(backend, args.quick)


if __name__ == "__main__":
    main()
