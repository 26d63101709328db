"""`nightshift import owners | book-values | service-visits FILE --dealership SLUG`: load a
dealership's CSV of customers' vehicles and loans or leases, its book-value table (the
headers are in `signals.owner_import`) or its service visits (`signals.service_import`: a
flagged customer's visit today alerts their salesperson).

A bad file prints every problem (line, column, value, what was expected) on stderr, writes
nothing and exits 1; an unknown dealership exits 2; a good file is imported in one
transaction and its counts printed. The file's contents (phones, e-mails, names) are never
logged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar
from zoneinfo import ZoneInfo

import typer

from crm_store import dealerships
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.records import DealershipRecord
from crm_store.uow import UnitOfWork
from signals.csv_rows import MAX_BYTES, CsvProblems
from signals.owner_import import (
    import_book_values,
    import_owners,
    parse_book_values,
    parse_owners,
)
from signals.service_import import import_service_visits, parse_service_visits

T = TypeVar("T")
app = typer.Typer(help="Import a dealership's CSV files.", no_args_is_help=True)

CsvFile = Annotated[Path, typer.Argument(help="The CSV file (UTF-8, header first)")]
DealershipSlug = Annotated[str, typer.Option("--dealership", help="The dealership's slug")]


@app.command("owners")
def owners(file: CsvFile, dealership: DealershipSlug) -> None:
    """Import customers' vehicles with their loans or leases; a VIN seen before is updated."""
    rows = _parsed(file, parse_owners)
    with dealership_work(dealership) as (uow, dealer):
        done = import_owners(uow, dealership_id=dealer.id, rows=rows)
    typer.echo(
        f"{file.name}: {len(rows)} vehicles imported ({done.vehicles_created} new, "
        f"{done.vehicles_updated} updated); {done.customers_created} new customers; "
        f"{done.consents_recorded} consents recorded"
    )


@app.command("book-values")
def book_values(file: CsvFile, dealership: DealershipSlug) -> None:
    """Replace the dealership's book-value table with the file's rows."""
    rows = _parsed(file, parse_book_values)
    with dealership_work(dealership) as (uow, dealer):
        count = import_book_values(uow, dealership_id=dealer.id, rows=rows)
    typer.echo(f"{file.name}: book-value table replaced; {count} rows")


@app.command("service-visits")
def service_visits(file: CsvFile, dealership: DealershipSlug) -> None:
    """Import service visits as `service_visit` events (an RO number seen before is skipped);
    a visit's mileage updates the owned vehicle's when newer."""
    with dealership_work(dealership) as (uow, dealer):
        zone = ZoneInfo(dealer.timezone)
        rows = _parsed(file, lambda data: parse_service_visits(data, zone=zone, now=uow.now()))
        done = import_service_visits(uow, dealership_id=dealer.id, rows=rows, zone=zone)
    typer.echo(
        f"{file.name}: {done.visits} visits imported ({done.duplicates} seen before); "
        f"{done.customers_created} new customers, {done.mileages_updated} mileages updated, "
        f"{done.alerts} alerts"
    )


@contextmanager
def dealership_work(slug: str) -> Iterator[tuple[UnitOfWork, DealershipRecord]]:
    """One unit of work on the configured store and the dealership `slug` (exit 2 when
    there is none); the store is disposed on leaving."""
    from nightshift.cli import load_settings

    store = Store(load_settings().database_url)
    try:
        with store.unit_of_work() as uow:
            try:
                dealer = dealerships.get_dealership(uow, slug=slug)
            except NotFound as exc:
                typer.echo(f"--dealership: {exc}", err=True)
                raise typer.Exit(2) from None
            yield uow, dealer
    finally:
        store.dispose()


def _parsed(file: Path, parse: Callable[[bytes], T]) -> T:
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # one byte more tells a file too large
    except OSError as exc:
        _fail(f"{file}: cannot read it ({exc.strerror}); expected a readable CSV file")
    try:
        return parse(data)
    except CsvProblems as exc:
        for problem in exc.problems:
            typer.echo(f"{file.name}: {problem}", err=True)
        shown = f" (the first {len(exc.problems)} shown)" if exc.total > len(exc.problems) else ""
        _fail(f"{file.name}: {exc.total} problem(s){shown}; nothing was imported")


def _fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(1)
