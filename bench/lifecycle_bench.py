"""The owners import and the equity report at a real dealership's size (issue 19), measured in
one run on the demo dealership (with 2,000 customers known by phone, as `bench/signals_world`):

An owners file of 20,000 rows (seeded: the 2,000 customers known by phone own some of the
vehicles, one new owner in ten gives only an e-mail, half the rows carry an e-mail, one
vehicle in ten is its owner's second; a loan, a lease or no finance each) and a book-value
table for its models. Timed:
(a) `signals.owner_import`: parse the file and import it in one unit of work, on a fresh
    database, as `nightshift import owners` does;
(b) the same file imported again (every VIN updated, no customer created);
(c) the equity report (`signals.equity_report.flagged_owners`) over every vehicle;
beside the baseline: the same vehicles and their finance inserted bare into owned_vehicles
and vehicle_finance in one transaction (SQLAlchemy core, one statement each executed with
all the rows).
Printed: rows/s and each as a ratio to the baseline's time.

SQLite by default; `--pg` (or NIGHTSHIFT_BENCH_PG=1) adds PostgreSQL at 127.0.0.1:5432 (user
postgres), in databases made for the run and dropped after. `--quick`: 2,000 rows.
Run: `make bench` (or `.venv/bin/python bench/lifecycle_bench.py [--pg] [--quick]`).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.signals_world import KNOWN, NOW, Databases, analyze, phone, world  # noqa: E402
from contracts.clock import FrozenClock  # noqa: E402
from crm_store.models import Customer, OwnedVehicle, VehicleFinance  # noqa: E402
from crm_store.ownership import OwnedVehicleFacts  # noqa: E402
from signals.equity_report import flagged_owners  # noqa: E402
from signals.lifecycle_config import LifecycleConfig  # noqa: E402
from signals.owner_import import (  # noqa: E402
    OWNER_COLUMNS,
    import_book_values,
    import_owners,
    parse_book_values,
    parse_owners,
)

ROWS, QUICK_ROWS = 20_000, 2_000
TODAY = NOW.date()
MODELS = [
    ("Honda", "CR-V", ("LX", "EX", "EX-L")),
    ("Honda", "Accord", ("LX", "Sport", "EX-L")),
    ("Honda", "Civic", ("LX", "Sport", "Touring")),
    ("Toyota", "Camry", ("LE", "SE", "XLE")),
    ("Toyota", "RAV4", ("LE", "XLE", "Limited")),
    ("Ford", "F-150", ("XL", "XLT", "Lariat")),
    ("Subaru", "Outback", ("Base", "Premium", "Limited")),
]
YEARS = range(2015, 2026)
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
OWNED_TABLE = cast(sa.Table, OwnedVehicle.__table__)
FINANCE_TABLE = cast(sa.Table, VehicleFinance.__table__)


# -- the files ----------------------------------------------------------------------------


def owners_file(count: int) -> bytes:
    """`count` owned vehicles as a dealership exports them (module docstring)."""
    rng = random.Random(19)  # noqa: S311 (a seeded mix, not a secret)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OWNER_COLUMNS)
    vins: set[str] = set()
    owner = 0
    for n in range(count):
        if n and rng.random() < 0.1:  # a second vehicle of the owner before
            who = owner - 1
        else:
            who, owner = owner, owner + 1
        known = who % 3 == 0 and who // 3 < KNOWN  # a customer the CRM has by phone
        by_email = not known and who % 10 == 1
        owner_phone = phone(who // 3) if known else f"+1707{4_000_000 + who:07d}"
        make, model, trims = rng.choice(MODELS)
        year = rng.choice(YEARS)
        vin = ""
        while not vin or vin in vins:
            vin = "".join(rng.choice(VIN_CHARS) for _ in range(17))
        vins.add(vin)
        bought = date(year, 1, 1) + timedelta(days=rng.randrange(365 * 2))
        bought = min(bought, TODAY - timedelta(days=30))
        row: dict[str, Any] = dict.fromkeys(OWNER_COLUMNS, "")
        row.update(
            name=f"Owner {who}",
            phone="" if by_email else owner_phone,
            email=f"owner{who}@example.com" if by_email or rng.random() < 0.5 else "",
            vin=vin,
            year=year,
            make=make,
            model=model,
            trim=rng.choice(trims),
            mileage=rng.randrange(5_000, 140_000),
            mileage_date=(TODAY - timedelta(days=rng.randrange(400))).isoformat(),
            purchase_date=bought.isoformat(),
            purchase_price=rng.randrange(18_000, 55_000),
            bought_here=rng.choice("yn"),
        )
        kind = rng.choice(("loan", "loan", "lease", ""))
        if kind:
            row.update(finance_kind=kind, finance_start=bought.isoformat())
        if kind == "lease":
            row.update(term_months=36, residual=rng.randrange(12_000, 30_000))
        elif kind == "loan":
            row.update(
                term_months=rng.choice((48, 60, 72)),
                apr=f"{rng.uniform(1.9, 9.9):.1f}",
                amount_financed=rng.randrange(12_000, 45_000),
            )
        writer.writerow(row[c] for c in OWNER_COLUMNS)
    return out.getvalue().encode()


def book_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("year", "make", "model", "trim", "mileage_low", "mileage_high", "value"))
    for make, model, _trims in MODELS:
        for year in YEARS:
            for band, low in enumerate(range(0, 150_000, 30_000)):
                value = 30_000 - (2025 - year) * 1_800 - band * 1_500
                writer.writerow((year, make, model, "", low, low + 29_999, max(value, 2_000)))
    return out.getvalue().encode()


# -- the runs -----------------------------------------------------------------------------


def baseline(url: str, clock: FrozenClock, vehicles: list[OwnedVehicleFacts]) -> float:
    """Seconds to insert the vehicles and their finance bare, in one transaction."""
    store, dealer_id = world(url, clock)
    try:
        with store.reading() as uow:
            owners = list(uow.session.scalars(sa.select(Customer.id).order_by(Customer.id)))
        now = clock.now()
        rows = [
            {
                "dealership_id": dealer_id,
                "customer_id": owners[n % len(owners)],
                "created_at": now,
                "updated_at": now,
                **{k: getattr(v, k) for k in _VEHICLE_COLUMNS},
            }
            for n, v in enumerate(vehicles)
        ]
        began = time.perf_counter()
        with store.unit_of_work() as uow:
            ids = uow.session.execute(
                sa.insert(OWNED_TABLE).returning(OWNED_TABLE.c.id), rows
            ).scalars()
            finance = [
                {"owned_vehicle_id": i, **{k: getattr(v.finance, k) for k in _FINANCE_COLUMNS}}
                for i, v in zip(list(ids), vehicles, strict=True)
                if v.finance is not None
            ]
            uow.session.execute(sa.insert(FINANCE_TABLE), finance)
        return time.perf_counter() - began
    finally:
        store.dispose()


_VEHICLE_COLUMNS = [c.name for c in OWNED_TABLE.columns if hasattr(OwnedVehicleFacts, c.name)]
_FINANCE_COLUMNS = [
    c.name for c in FINANCE_TABLE.columns if c.name not in ("id", "owned_vehicle_id")
]


def backend_run(backend: str, quick: bool) -> None:
    count = QUICK_ROWS if quick else ROWS
    data, book = owners_file(count), book_file()
    config = LifecycleConfig()
    with tempfile.TemporaryDirectory() as folder:
        dbs = Databases(backend, Path(folder))
        try:
            clock = FrozenClock(NOW)
            vehicles = [r.vehicle for r in parse_owners(data)]
            bare = baseline(dbs.fresh("bare"), clock, vehicles)
            store, dealer_id = world(dbs.fresh("owners"), clock)
            with store.unit_of_work() as uow:
                import_book_values(uow, dealership_id=dealer_id, rows=parse_book_values(book))

            def imported() -> tuple[float, Any]:
                began = time.perf_counter()
                with store.unit_of_work() as uow:
                    rows = parse_owners(data)
                    done = import_owners(uow, dealership_id=dealer_id, rows=rows)
                return time.perf_counter() - began, done

            first, first_done = imported()
            analyze(store)
            again, again_done = imported()
            began = time.perf_counter()
            with store.reading() as uow:
                flagged = flagged_owners(uow, dealership_id=dealer_id, today=TODAY, config=config)
            report = time.perf_counter() - began
            store.dispose()
            label = "SQLite" if backend == "sqlite" else "PostgreSQL"
            print(
                f"Owners import, {label}: {count:,} rows ({len(data) / 1e6:.1f} MB),"
                f" demo dealership with {KNOWN:,} customers known by phone"
            )
            for name, seconds in (
                ("bare INSERT, one transaction (baseline)", bare),
                ("import_owners, fresh database", first),
                ("import_owners again, same file", again),
                ("equity report, all vehicles", report),
            ):
                ratio = "baseline" if seconds is bare else f"{seconds / bare:6.1f}x the baseline"
                print(f"  {name:<42} {count / seconds:8.0f} rows/s  {seconds:7.2f} s   ({ratio})")
            print(
                f"  first import: {first_done.vehicles_created:,} vehicles created,"
                f" {first_done.customers_created:,} customers created; again:"
                f" {again_done.vehicles_updated:,} updated, {again_done.customers_created} created;"
                f" {len(flagged):,} vehicles flagged"
            )
        finally:
            if backend == "postgresql":
                dbs.drop_all()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL too (127.0.0.1:5432)")
    parser.add_argument("--quick", action="store_true", help="a 2,000-row smoke run")
    args = parser.parse_args()
    backends = ["sqlite"]
    if args.pg or os.environ.get("NIGHTSHIFT_BENCH_PG") == "1":
        backends.append("postgresql")
    for backend in backends:
        backend_run(backend, args.quick)


if __name__ == "__main__":
    main()
