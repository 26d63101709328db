"""Test-drive availability latency at dealership scale, against the bare SQL it needs.

Run: `make bench` (or `.venv/bin/python bench/availability_bench.py [--samples 300]
[--backend all|sqlite|postgresql] [--profile]`).

On a fresh SQLite file (and on a fresh PostgreSQL database, created and dropped here, when
127.0.0.1:5432 answers), seeds one dealership with 1,000 vehicles (5% pending or sold), 50
sales reps on weekly shifts and 10,000 appointments over the next 30 days, none overlapping
per vehicle or per rep. With the store's clock frozen, it then times what the assistant calls,
each in its own read-only unit of work as `agent/tools.py` does:

- `open_slots_on` for a random available vehicle and a random day of the next 14;
- `nearest_open_slots` around a requested time that is taken (a seeded appointment's start),
  as when a booking is refused and the three nearest open slots are offered.

The baseline, measured in the same run and interleaved with the above, is the one query the
answer fundamentally needs: the day's standing appointments of the dealership, through the raw
driver (sqlite3 / psycopg), for one day (vs `open_slots_on`) and for the two days
`nearest_open_slots` scans at least (vs it). Seeding is not timed. `--profile` adds a cProfile
of both calls.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from contracts.clock import FrozenClock
from crm_store import appointments, availability, dealerships, migrate, staff, vehicles
from crm_store.db import Store
from crm_store.records import StaffRecord, Weekly
from crm_store.types import Condition, Role, VehicleStatus

VEHICLES, REPS, APPOINTMENTS, DAYS, QUERY_DAYS = 1_000, 50, 10_000, 30, 14
TARGET_MS = 20.0
TARGET = "availability p95 < 20 ms at 1,000 vehicles, 50 staff, 10,000 appointments"
WARMUP = 20
ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 9, 8, 0, tzinfo=ZONE)  # a Monday before opening, after the DST change
DRIVE = timedelta(minutes=30)
HOURS: Weekly = {day: (clock_time(9), clock_time(19)) for day in range(6)}
HOURS[6] = (clock_time(10), clock_time(17))
MODELS = [("Honda", "Civic"), ("Honda", "CR-V"), ("Toyota", "RAV4"), ("Ford", "F-150")]
BARE_SQL = (
    "SELECT id, vehicle_id, staff_id, starts_at, ends_at FROM appointments"
    " WHERE dealership_id = {p} AND starts_at < {p} AND ends_at > {p}"
    " AND status != 'cancelled'"
)
Busy = Callable[[int, datetime, datetime], list[Any]]


@dataclass(frozen=True)
class World:
    dealership_id: int
    available: list[int]
    taken: list[tuple[int, datetime]]  # (vehicle_id, starts_at) of appointments in 14 days


@dataclass(frozen=True)
class Sample:
    vehicle_id: int
    day: date
    taken_vehicle_id: int
    around: datetime


def _shifts(i: int) -> Weekly:
    """Five days a week; a third of the reps work mornings, a third afternoons."""
    off = {i % 7, (i + 3) % 7}
    shifts: Weekly = {}
    for day, (opens, closes) in HOURS.items():
        if day in off:
            continue
        if i % 3 == 1:
            closes = clock_time(15)
        elif i % 3 == 2:
            opens = clock_time(13)
        shifts[day] = (opens, closes)
    return shifts


def seed(store: Store, rng: random.Random) -> World:
    with store.unit_of_work() as uow:
        dealer = dealerships.upsert_dealership(
            uow,
            slug="bench-motors",
            name="Bench Motors",
            timezone=ZONE.key,
            phone=None,
            address=None,
            test_drive_minutes=int(DRIVE.total_seconds() // 60),
            hours=HOURS,
        )
        reps = [
            staff.upsert_staff(
                uow,
                dealership_id=dealer.id,
                handle=f"rep{i:02d}",
                name=f"Rep {i:02d}",
                role=Role.SALES,
                phone=None,
                email=None,
                shifts=_shifts(i),
            )
            for i in range(REPS)
        ]
        available: list[int] = []
        for i in range(VEHICLES):
            make, model = MODELS[i % len(MODELS)]
            status = {0: VehicleStatus.SOLD, 20: VehicleStatus.PENDING}.get(
                i % 40, VehicleStatus.AVAILABLE
            )
            car = vehicles.upsert_vehicle(
                uow,
                dealership_id=dealer.id,
                stock=f"B{i:05d}",
                vin=f"1BENCH{i:011d}",
                year=2019 + i % 7,
                make=make,
                model=model,
                trim=None,
                condition=Condition.NEW if i % 2 else Condition.USED,
                body=None,
                color=None,
                mileage=(i * 7919) % 90_000,
                price=Decimal(15_000 + (i * 137) % 40_000),
                status=status,
                features=(),
            )
            if status is VehicleStatus.AVAILABLE:
                available.append(car.id)
    # The service function is fast enough for 10,000 rows in one unit of work (seconds, with
    # the no-double-booking trigger / exclusion constraint checking each row): no bulk insert.
    taken: list[tuple[int, datetime]] = []
    with store.unit_of_work() as uow:
        for start, free, count in plan_slots(reps, rng):
            for car_id, rep_id in zip(
                rng.sample(available, count), rng.sample(free, count), strict=True
            ):
                appointments.create_appointment(
                    uow,
                    dealership_id=dealer.id,
                    vehicle_id=car_id,
                    staff_id=rep_id,
                    starts_at=start.astimezone(UTC),
                    ends_at=(start + DRIVE).astimezone(UTC),
                    source="bench",
                )
                if start < NOW + timedelta(days=QUERY_DAYS):
                    taken.append((car_id, start.astimezone(UTC)))
    return World(dealer.id, available, taken)


def plan_slots(
    reps: list[StaffRecord], rng: random.Random
) -> list[tuple[datetime, list[int], int]]:
    """(start, reps on shift, how many appointments) for every slot of the 30 days.

    A slot never gets more appointments than it has reps on shift; each gets distinct
    vehicles and distinct reps, so no vehicle or rep is ever booked twice at once.
    """
    slots: list[tuple[datetime, list[int]]] = []
    for offset in range(DAYS):
        day = NOW.date() + timedelta(days=offset)
        opens, closes = HOURS[day.weekday()]
        start = datetime.combine(day, opens, tzinfo=ZONE)
        while start + DRIVE <= datetime.combine(day, closes, tzinfo=ZONE):
            ends = (start + DRIVE).time()
            on_shift = [
                r.id
                for r in reps
                if (shift := r.shifts.get(day.weekday()))
                and shift[0] <= start.time()
                and ends <= shift[1]
            ]
            slots.append((start, on_shift))
            start += DRIVE
    counts = [0] * len(slots)
    placed = 0
    while placed < APPOINTMENTS:
        pick = rng.randrange(len(slots))
        if counts[pick] < len(slots[pick][1]):
            counts[pick] += 1
            placed += 1
    return [(start, free, n) for (start, free), n in zip(slots, counts, strict=True) if n]


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Busy]]:
    with tempfile.TemporaryDirectory(prefix="availability-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        connection = sqlite3.connect(path)
        sql = BARE_SQL.format(p="?")

        def stamp(at: datetime) -> str:  # how SQLAlchemy stores a naive-UTC DateTime
            return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

        def busy(dealership_id: int, start: datetime, end: datetime) -> list[Any]:
            return connection.execute(sql, (dealership_id, stamp(end), stamp(start))).fetchall()

        try:
            yield f"sqlite:///{path}", busy
        finally:
            connection.close()


@contextmanager
def pg_database(admin: str) -> Iterator[tuple[str, Busy]]:
    name = f"nightshift_bench_{os.getpid()}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            sql = BARE_SQL.format(p="%s")

            def busy(dealership_id: int, start: datetime, end: datetime) -> list[Any]:
                return connection.execute(sql, (dealership_id, end, start)).fetchall()

            yield url, busy
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_samples(world: World, n: int, rng: random.Random) -> list[Sample]:
    samples = []
    for _ in range(n):
        taken_vehicle_id, around = rng.choice(world.taken)
        day = NOW.date() + timedelta(days=rng.randrange(QUERY_DAYS))
        samples.append(Sample(rng.choice(world.available), day, taken_vehicle_id, around))
    return samples


def _day_bounds(day: date, days: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, clock_time(0), tzinfo=ZONE)
    return start, datetime.combine(day + timedelta(days=days), clock_time(0), tzinfo=ZONE)


def cases(store: Store, world: World, busy: Busy) -> dict[str, Callable[[Sample], object]]:
    dealer = world.dealership_id

    def open_slots(s: Sample) -> object:
        with store.reading() as uow:
            return availability.open_slots_on(
                uow, dealership_id=dealer, vehicle_id=s.vehicle_id, day=s.day
            )

    def nearest(s: Sample) -> object:
        with store.reading() as uow:
            return availability.nearest_open_slots(
                uow, dealership_id=dealer, vehicle_id=s.taken_vehicle_id, around=s.around, count=3
            )

    return {
        "baseline: bare SQL, one day": lambda s: busy(dealer, *_day_bounds(s.day, 1)),
        "baseline: bare SQL, two days": lambda s: busy(
            dealer, *_day_bounds(s.around.astimezone(ZONE).date(), 2)
        ),
        "open_slots_on": open_slots,
        "nearest_open_slots": nearest,
    }


def timed(
    fns: dict[str, Callable[[Sample], object]], samples: list[Sample]
) -> dict[str, list[float]]:
    """Milliseconds per call for each function, interleaved so machine noise hits all alike."""
    for sample in samples[:WARMUP]:
        for fn in fns.values():
            fn(sample)
    ms: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for n, sample in enumerate(samples[WARMUP:]):
        for name in names[n % len(names) :] + names[: n % len(names)]:
            began = time.perf_counter()
            fns[name](sample)
            ms[name].append((time.perf_counter() - began) * 1000.0)
    return ms


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(ms: dict[str, list[float]]) -> None:
    """Print the table, each call's ratios against its baseline, and the target."""
    one, two = ms["baseline: bare SQL, one day"], ms["baseline: bare SQL, two days"]
    against = {"open_slots_on": one, "nearest_open_slots": two}
    print(f"  {'':30}{'p50 ms':>9}{'p95 ms':>9}{'p50 x':>8}{'p95 x':>8}")
    for name, values in ms.items():
        base = against.get(name, values)
        p50, p95 = pct(values, 50), pct(values, 95)
        print(
            f"  {name:30}{p50:9.2f}{p95:9.2f}{p50 / pct(base, 50):8.1f}{p95 / pct(base, 95):8.1f}"
        )
    print("  x: open_slots_on vs the one-day query, nearest_open_slots vs the two-day query")
    worst = max(pct(ms[name], 95) for name in against)
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"  target: {TARGET}: {verdict} (worst p95 {worst:.1f} ms)")


def profile(fns: dict[str, Callable[[Sample], object]], samples: list[Sample]) -> None:
    for name in ("open_slots_on", "nearest_open_slots"):
        call, profiler = fns[name], cProfile.Profile()
        profiler.enable()
        for sample in samples[:50]:
            call(sample)
        profiler.disable()
        print(f"\n  cProfile of {name}, 50 calls, top 12 by own time:")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


def run(
    backend: str, database: AbstractContextManager[tuple[str, Busy]], args: argparse.Namespace
) -> None:
    rng = random.Random(2026)  # noqa: S311 - synthetic data, not security
    with database as (url, busy):
        migrate.upgrade(url)
        store = Store(url, clock=FrozenClock(NOW))
        try:
            began = time.perf_counter()
            world = seed(store, rng)
            seeded = time.perf_counter() - began
            per_day = len(
                busy(world.dealership_id, *_day_bounds(NOW.date() + timedelta(days=1), 1))
            )
            print(
                f"\n{backend}: seeded in {seeded:.1f} s; {len(world.available)} available cars;"
                f" {per_day} standing appointments on {NOW.date() + timedelta(days=1)}"
            )
            fns = cases(store, world, busy)
            samples = make_samples(world, WARMUP + args.samples, rng)
            report(timed(fns, samples))
            if args.profile:
                profile(fns, samples)
        finally:
            store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--backend", choices=["all", "sqlite", "postgresql"], default="all")
    parser.add_argument("--pg-admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--profile", action="store_true", help="cProfile both calls too")
    args = parser.parse_args()
    print(
        f"availability: {VEHICLES:,} vehicles, {REPS} sales reps, {APPOINTMENTS:,} appointments"
        f" over {DAYS} days; clock frozen at {NOW:%Y-%m-%d %H:%M %Z};"
        f" {args.samples} samples each after {WARMUP} warm-up"
    )
    if args.backend in ("all", "sqlite"):
        run("sqlite", sqlite_database(), args)
    if args.backend in ("all", "postgresql"):
        try:
            psycopg.connect(args.pg_admin, connect_timeout=3).close()
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0]
            print(f"\npostgresql: skipped, {args.pg_admin} is unreachable ({reason})")
            return
        run("postgresql", pg_database(args.pg_admin), args)


if __name__ == "__main__":
    main()
