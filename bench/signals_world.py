"""The world of the shopper events benchmark (`bench/signals_bench.py`): the demo dealership
with 2,000 more known customers on a fresh database (SQLite file or a PostgreSQL database
made for the run), the seeded stream of website events, and the bare INSERT of their rows."""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from contracts.clock import FrozenClock  # noqa: E402
from crm_store import customers, dealerships, migrate  # noqa: E402
from crm_store.db import Store  # noqa: E402
from crm_store.models import ShopperEvent, Vehicle  # noqa: E402
from nightshift.world import apply_world, load_world_file  # noqa: E402

SLUG = "harbor-point-honda"
DEMO = ROOT / "examples" / "demo-dealership.yaml"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NOW = datetime(2026, 5, 12, 18, 0, tzinfo=UTC)
SPREAD = timedelta(hours=48)
TABLE = cast(sa.Table, ShopperEvent.__table__)

BATCH = 500
VISITORS = 5_000
KNOWN = 2_000  # visitors 0..KNOWN-1 are known customers' browsers
KNOWN_SHARE = 0.3  # of events, from known customers' browsers
PHONE_SHARE = 0.2  # of a known customer's events, those that carry the phone
TYPES = {
    "vdp_view": 0.86,
    "srp_search": 0.05,
    "price_watch": 0.04,
    "trade_in_calculator": 0.03,
    "payment_calculator": 0.015,
    "form_submission": 0.005,
}


def phone(n: int) -> str:
    return f"+1805{3_000_000 + n:07d}"


# -- the world and the events -------------------------------------------------------------


def world(url: str, clock: FrozenClock) -> tuple[Store, int]:
    """The demo dealership with KNOWN extra customers (by phone) on a fresh database."""
    migrate.upgrade(url)
    store = Store(url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        for n in range(KNOWN):
            customers.get_or_create_by_phone(
                uow, dealership_id=dealer_id, phone=phone(n), source="bench"
            )
    return store, dealer_id


def stocks(store: Store, dealer_id: int) -> dict[str, int]:
    with store.reading() as uow:
        query = sa.select(Vehicle.stock, Vehicle.id).where(Vehicle.dealership_id == dealer_id)
        return {str(stock): vid for stock, vid in uow.session.execute(query)}


def generate(count: int, inventory: list[str]) -> list[list[dict[str, Any]]]:
    """`count` events as a website sends them, in time order, cut into batches of BATCH."""
    rng = random.Random(18)  # noqa: S311 (a seeded mix, not a secret)
    favourites = [rng.sample(inventory, 2) for _ in range(VISITORS)]
    ages = sorted((rng.uniform(0, SPREAD.total_seconds()) for _ in range(count)), reverse=True)
    kinds, weights = list(TYPES), list(TYPES.values())
    events: list[dict[str, Any]] = []
    for n, age in enumerate(ages):
        known = rng.random() < KNOWN_SHARE
        visitor = rng.randrange(KNOWN) if known else rng.randrange(KNOWN, VISITORS)
        kind = rng.choices(kinds, weights)[0]
        event: dict[str, Any] = {
            "type": kind,
            "at": (NOW - timedelta(seconds=age)).isoformat(),
            "event_id": f"e-{n}",
            "visitor_id": f"v-{visitor:05d}",
        }
        if kind != "srp_search":
            fav = rng.random() < 0.6
            stock = rng.choice(favourites[visitor]) if fav else rng.choice(inventory)
            event["vehicle"] = {"stock": stock}
            event["properties"] = {"page": f"/inventory/{stock}"}
        if kind == "trade_in_calculator":
            event["properties"]["step"] = rng.choice(["start", "vehicle", "finished"])
        if known and rng.random() < PHONE_SHARE:
            event["customer"] = {"phone": phone(visitor)}
        elif kind == "form_submission":
            event["customer"] = {"phone": phone(visitor)}  # a new lead
        events.append(event)
    return [events[i : i + BATCH] for i in range(0, len(events), BATCH)]


def bare_rows(batch: list[dict[str, Any]], dealer_id: int) -> list[dict[str, Any]]:
    """The batch's events as shopper_events rows, as the bare baseline inserts them."""
    return [
        {
            "dealership_id": dealer_id,
            "event_id": e["event_id"],
            "type": e["type"],
            "at": datetime.fromisoformat(e["at"]),
            "received_at": NOW,
            "visitor_id": e["visitor_id"],
            "stock": e.get("vehicle", {}).get("stock"),
            "properties": e.get("properties", {}),
        }
        for e in batch
    ]


def insert(store: Store, rows: list[dict[str, Any]]) -> list[int]:
    """The rows in one transaction, as fast as SQLAlchemy inserts them: one cached
    statement executed with the rows (sent as batched multi-row INSERTs); the new ids."""
    with store.unit_of_work() as uow:
        statement = sa.insert(TABLE).returning(TABLE.c.id)
        return list(uow.session.execute(statement, rows).scalars())


# -- databases ----------------------------------------------------------------------------


class Databases:
    """Fresh database URLs of one backend: SQLite files in a temp folder, or PostgreSQL
    databases made on the server and dropped at the end."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend, self.folder, self.made = backend, folder, list[str]()

    def fresh(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.folder}/{name}.db"
        database = f"nightshift_bench_signals_{os.getpid()}_{name}"
        self._admin(f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
        self.made.append(database)
        return PG_ADMIN.rsplit("/", 1)[0] + "/" + database

    def drop_all(self) -> None:
        self._admin(*(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in self.made))

    @staticmethod
    def _admin(*statements: str) -> None:
        engine = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                for statement in statements:
                    connection.exec_driver_sql(statement)
        finally:
            engine.dispose()


def analyze(store: Store) -> None:
    if store.backend == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("ANALYZE")
