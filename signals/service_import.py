"""Importing service visits from the dealership's service system as a CSV file, so a flagged
customer's visit alerts their salesperson as a `service_visit` event from the site would.

    phone,email,name,vin,visit_at,mileage,ro_number,advisor

- required: `ro_number` (the repair order, at most 60 characters), `visit_at`, and the
  customer's `phone` or `email` (found by phone, else by e-mail, else created, as the
  owners import does; a name or e-mail given fills in the record, never erasing it);
- `visit_at`: when the customer came in, `2026-05-12 10:00` in the dealership's time zone
  or ISO 8601 with its offset (`2026-05-12T10:00:00-06:00`); not more than
  `signals.events.FUTURE_SKEW` ahead of now (an appointment to come is an event with
  `properties.appointment_at`, see `signals.events`);
- `vin` (17 letters and digits, no I, O or Q) and `mileage` (the odometer at the visit):
  when both are given and the VIN is an owned vehicle of the dealership, a reading newer
  than the one known becomes its mileage (before the rules run, so the visit's flags use
  it); `advisor`: the service advisor's name, kept with the event.

Each row is stored as a `service_visit` event with `event_id` `ro:<ro_number>` through
`signals.ingest`, so the intent rules run (a visit today by a flagged customer alerts) and
a file imported again stores nothing twice. An RO number twice in one file is a problem;
any bad row rejects the whole file (`signals.csv_rows`), and the caller imports in one unit
of work, so nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from crm_store import customers
from crm_store.ownership import update_mileage
from crm_store.uow import UnitOfWork
from signals.csv_rows import CsvProblems, Row, read_rows
from signals.events import FUTURE_SKEW, VIN, ShopperEvent
from signals.ingest import ingest
from signals.owner_import import phone_of
from signals.rules import SERVICE_VISIT

VISIT_COLUMNS = ("phone", "email", "name", "vin", "visit_at", "mileage", "ro_number", "advisor")
_MILES = 2_000_000


@dataclass(frozen=True, slots=True)
class VisitRow:
    line: int
    name: str | None
    phone: str | None  # E.164
    email: str | None
    vin: str | None
    at: datetime
    mileage: int | None
    ro_number: str
    advisor: str | None


@dataclass(frozen=True, slots=True)
class VisitsImported:
    visits: int  # stored now
    duplicates: int  # RO numbers imported before
    customers_created: int
    mileages_updated: int
    alerts: int  # service-to-sales alerts the visits fired


def parse_service_visits(data: bytes, *, zone: ZoneInfo, now: datetime) -> list[VisitRow]:
    """The service-visits file's rows, or `CsvProblems` naming every bad cell; a time
    without an offset is in `zone`."""
    problems: list[str] = []
    parsed: list[VisitRow] = []
    first_line: dict[str, int] = {}
    required = ("visit_at", "ro_number")
    for row in read_rows(data, columns=VISIT_COLUMNS, required=required, problems=problems):
        visit = _visit(row, zone, now)
        if visit is None:
            continue
        if visit.ro_number in first_line:
            row.problem(
                "ro_number",
                f"{visit.ro_number!r} repeats line {first_line[visit.ro_number]};"
                " expected each repair order once",
            )
            continue
        first_line[visit.ro_number] = row.line
        parsed.append(visit)
    if problems:
        raise CsvProblems(problems)
    return parsed


def import_service_visits(
    uow: UnitOfWork, *, dealership_id: int, rows: Sequence[VisitRow], zone: ZoneInfo
) -> VisitsImported:
    """Store the parsed rows in the caller's unit of work (module docstring)."""
    contacts = [customers.ContactGiven(r.name, r.phone, r.email) for r in rows]
    found = customers.find_or_create_by_contacts(
        uow, dealership_id=dealership_id, contacts=contacts, source="service visits import"
    )
    created, updated = sum(new for _, new in found), 0
    for row in rows:
        if row.vin and row.mileage is not None:
            on = row.at.astimezone(zone).date()
            updated += update_mileage(
                uow, dealership_id=dealership_id, vin=row.vin, mileage=row.mileage, on=on
            )
    events = [
        ShopperEvent(
            type=SERVICE_VISIT,
            at=row.at,
            event_id=f"ro:{row.ro_number}",
            phone=row.phone,
            email=row.email,
            vin=row.vin,
            properties={
                k: v
                for k, v in (
                    ("ro_number", row.ro_number),
                    ("mileage", row.mileage),
                    ("advisor", row.advisor),
                    ("source", "service visits import"),
                )
                if v is not None
            },
        )
        for row in rows
    ]
    result = ingest(uow, dealership_id=dealership_id, events=events)
    return VisitsImported(result.accepted, result.duplicates, created, updated, result.alerts)


def _visit(row: Row, zone: ZoneInfo, now: datetime) -> VisitRow | None:
    name, phone, email = row.text("name"), phone_of(row), row.email("email")
    if not row.raw("phone") and not row.raw("email"):
        row.problem("phone", "empty, and so is email; expected the customer's phone or e-mail")
    vin = row.raw("vin").upper() or None
    if vin is not None and not VIN.fullmatch(vin):
        row.bad("vin", "a VIN", "17 letters and digits (no I, O or Q)")
    mileage = row.whole("mileage", low=0, high=_MILES)
    ro_number = row.text("ro_number", required=True, longest=60)
    advisor = row.text("advisor")
    at = _time(row, zone, now)
    if at is None or ro_number is None or (vin is not None and not VIN.fullmatch(vin)):
        return None
    return VisitRow(row.line, name, phone, email, vin, at, mileage, ro_number, advisor)


def _time(row: Row, zone: ZoneInfo, now: datetime) -> datetime | None:
    value = row.raw("visit_at")
    if not value:
        row.problem("visit_at", "empty; expected a time like 2026-05-12 10:00")
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        row.bad("visit_at", "a time", "2026-05-12 10:00 (dealership time) or ISO 8601")
        return None
    at = at if at.tzinfo is not None else at.replace(tzinfo=zone)
    if at - now > FUTURE_SKEW:
        row.problem(
            "visit_at",
            f"{value!r} is in the future; expected a visit that happened (an appointment to"
            " come is a service_visit event with properties.appointment_at)",
        )
        return None
    return at
