"""Importing what customers own and owe, and the dealership's book values, from CSV files.

The owners file: one row per owned vehicle, header first (any order, names case-blind):

    name,phone,email,vin,year,make,model,trim,mileage,mileage_date,purchase_date,
    purchase_price,bought_here,warranty_end_date,warranty_miles,finance_kind,finance_start,
    term_months,apr,monthly_payment,amount_financed,payoff,payoff_date,residual,
    sms_consent,sms_consent_date

- required: `vin` (17 letters and digits, no I, O or Q), `year`, `make`, `model`, and the
  owner's `phone` or `email` (the customer is found by phone, else by e-mail, else created;
  a name or e-mail given fills in the customer's record, never erasing what is known);
- dates are YYYY-MM-DD; amounts are dollars (`12400.00`, `$12,400`); `apr` a yearly percent
  (`5.9`); `bought_here` y or n (empty: n); `mileage` is read on `mileage_date`;
- `finance_kind` empty means no loan or lease (and every finance column empty); `loan`
  needs `finance_start` and `term_months`, and `payoff` with `payoff_date`, or `apr` with
  `monthly_payment` or `amount_financed` (the payoff is then amortised); `lease` needs
  `finance_start`, `term_months` and `residual`.

- `sms_consent` (optional): the dealership's record of the owner's consent to texts for the
  row's `phone`, y or n, with `sms_consent_date` when it was given or withdrawn (empty:
  unknown). It is recorded like a website form's (`crm_store.customers.consent_stated`): a
  consent changed on or after that date (a STOP texted since) wins; an undated y is
  recorded only for a customer with no consent on record; an n always is. Outreach needs
  a recorded y.

A VIN already imported is updated (and its finance replaced), never duplicated; a VIN twice
in one file is a problem.

The book-values file replaces the dealership's table whole:

    year,make,model,trim,mileage_low,mileage_high,value

`trim` empty means any trim; a band includes both ends; one row per year, make, model,
trim and `mileage_low`.

Any bad row rejects the whole file, with every problem named (`signals.csv_rows`); the
caller imports in one unit of work, so nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from crm_store import customers, dealerships
from crm_store.errors import InvalidValue
from crm_store.ownership import (
    BookValue,
    Finance,
    OwnedVehicleFacts,
    replace_book_values,
    save_owned_vehicles,
)
from crm_store.phones import normalise_phone
from crm_store.types import Consent
from crm_store.uow import UnitOfWork
from signals.csv_rows import CsvProblems, Row, read_rows

OWNER_COLUMNS = (
    "name",
    "phone",
    "email",
    "vin",
    "year",
    "make",
    "model",
    "trim",
    "mileage",
    "mileage_date",
    "purchase_date",
    "purchase_price",
    "bought_here",
    "warranty_end_date",
    "warranty_miles",
    "finance_kind",
    "finance_start",
    "term_months",
    "apr",
    "monthly_payment",
    "amount_financed",
    "payoff",
    "payoff_date",
    "residual",
    "sms_consent",
    "sms_consent_date",
)
FINANCE_COLUMNS = OWNER_COLUMNS[
    OWNER_COLUMNS.index("finance_kind") + 1 : OWNER_COLUMNS.index("sms_consent")
]
BOOK_COLUMNS = ("year", "make", "model", "trim", "mileage_low", "mileage_high", "value")
CONSENT_SOURCE = "owners import"
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_MILES = 2_000_000


@dataclass(frozen=True, slots=True)
class OwnerRow:
    line: int
    name: str | None
    phone: str | None  # E.164
    email: str | None
    vehicle: OwnedVehicleFacts
    consent: bool | None = None  # the dealership's record of "OK to text" (None: not given)
    consent_on: date | None = None


@dataclass(frozen=True, slots=True)
class OwnersImported:
    vehicles_created: int
    vehicles_updated: int
    customers_created: int
    consents_recorded: int = 0


def parse_owners(data: bytes) -> list[OwnerRow]:
    """The owners file's rows, or `CsvProblems` naming every bad cell."""
    problems: list[str] = []
    parsed: list[OwnerRow] = []
    first_line: dict[str, int] = {}
    for row in read_rows(data, columns=OWNER_COLUMNS, required=("vin",), problems=problems):
        owner = _owner(row)
        if owner is None:
            continue
        vin = owner.vehicle.vin
        if vin in first_line:
            row.problem("vin", f"{vin!r} repeats line {first_line[vin]}; expected each VIN once")
            continue
        first_line[vin] = row.line
        parsed.append(owner)
    if problems:
        raise CsvProblems(problems)
    return parsed


def parse_book_values(data: bytes) -> list[BookValue]:
    """The book-values file's rows, or `CsvProblems` naming every bad cell."""
    problems: list[str] = []
    parsed: list[BookValue] = []
    first_line: dict[tuple[int, str, str, str, int], int] = {}
    required = [c for c in BOOK_COLUMNS if c != "trim"]
    for row in read_rows(data, columns=BOOK_COLUMNS, required=required, problems=problems):
        year = row.whole("year", low=1900, high=2100, required=True)
        make = row.text("make", required=True, longest=60)
        model = row.text("model", required=True, longest=60)
        trim = row.text("trim") or ""
        low = row.whole("mileage_low", low=0, high=_MILES, required=True)
        high = row.whole("mileage_high", low=0, high=_MILES, required=True)
        value = row.amount("value", required=True)
        if low is not None and high is not None and low > high:
            row.problem("mileage_high", f"{high:,} is below mileage_low {low:,}; expected more")
        if year is None or make is None or model is None:
            continue
        if low is None or high is None or value is None or low > high:
            continue
        key = (year, make.lower(), model.lower(), trim.lower(), low)
        if key in first_line:
            row.problem("mileage_low", f"this band repeats line {first_line[key]}")
            continue
        first_line[key] = row.line
        parsed.append(BookValue(year, make, model, trim, low, high, value))
    if problems:
        raise CsvProblems(problems)
    return parsed


def import_owners(
    uow: UnitOfWork, *, dealership_id: int, rows: Sequence[OwnerRow]
) -> OwnersImported:
    """Store the parsed rows in the caller's unit of work (module docstring), in a number of
    queries that does not grow with the rows."""
    contacts = [customers.ContactGiven(r.name, r.phone, r.email) for r in rows]
    found = customers.find_or_create_by_contacts(
        uow, dealership_id=dealership_id, contacts=contacts, source="owners import"
    )
    owned = [(customer_id, row.vehicle) for (customer_id, _), row in zip(found, rows, strict=True)]
    created = sum(save_owned_vehicles(uow, dealership_id=dealership_id, owned=owned))
    new_customers = sum(new for _, new in found)
    zone = ZoneInfo(dealerships.get_dealership_by_id(uow, dealership_id=dealership_id).timezone)
    consents = sum(
        customers.consent_stated(
            uow,
            customer_id=customer_id,
            phone=row.phone,
            state=Consent.GRANTED if row.consent else Consent.REVOKED,
            at=datetime.combine(row.consent_on, time(), zone) if row.consent_on else None,
            source=CONSENT_SOURCE,
            detail=f"line {row.line}",
        )
        for (customer_id, _), row in zip(found, rows, strict=True)
        if row.consent is not None and row.phone is not None
    )
    return OwnersImported(created, len(rows) - created, new_customers, consents)


def import_book_values(uow: UnitOfWork, *, dealership_id: int, rows: Sequence[BookValue]) -> int:
    return replace_book_values(uow, dealership_id=dealership_id, values=rows)


def _owner(row: Row) -> OwnerRow | None:
    name, phone, email = row.text("name"), phone_of(row), row.email("email")
    if not row.raw("phone") and not row.raw("email"):
        row.problem("phone", "empty, and so is email; expected the owner's phone or e-mail")
    vin = row.raw("vin").upper()
    if not _VIN.fullmatch(vin):
        row.bad("vin", "a VIN", "17 letters and digits (no I, O or Q)")
    year = row.whole("year", low=1900, high=2100, required=True)
    make = row.text("make", required=True, longest=60)
    model = row.text("model", required=True, longest=60)
    vehicle = OwnedVehicleFacts(
        vin=vin,
        year=year or 0,
        make=make or "",
        model=model or "",
        trim=row.text("trim"),
        mileage=row.whole("mileage", low=0, high=_MILES),
        mileage_on=row.day("mileage_date"),
        purchased_on=row.day("purchase_date"),
        purchase_price=row.amount("purchase_price"),
        bought_here=row.yes_no("bought_here"),
        warranty_ends_on=row.day("warranty_end_date"),
        warranty_miles=row.whole("warranty_miles", low=0, high=_MILES),
        finance=_finance(row),
    )
    consent = row.yes_no("sms_consent") if row.raw("sms_consent") else None
    consent_on = row.day("sms_consent_date")
    if consent is not None and not row.raw("phone"):
        row.problem("sms_consent", "given without phone; expected the number the consent is for")
    if consent_on is not None and consent is None:
        row.problem("sms_consent_date", "given without sms_consent; expected sms_consent y or n")
    if year is None or make is None or model is None or not _VIN.fullmatch(vin):
        return None
    return OwnerRow(
        line=row.line,
        name=name,
        phone=phone,
        email=email,
        vehicle=vehicle,
        consent=consent,
        consent_on=consent_on,
    )


def phone_of(row: Row) -> str | None:
    raw = row.raw("phone")
    if not raw:
        return None
    try:
        return normalise_phone(raw)
    except InvalidValue:
        row.bad("phone", "a phone number", "a phone number such as +15551230001")
        return None


def _finance(row: Row) -> Finance | None:
    kind = row.raw("finance_kind").lower()
    if not kind:
        for column in FINANCE_COLUMNS:
            if row.raw(column):
                row.problem(
                    column, "given without finance_kind; expected finance_kind loan or lease"
                )
        return None
    if kind not in ("loan", "lease"):
        row.bad("finance_kind", "a kind of finance", "loan, lease or empty")
        return None
    starts_on = row.day("finance_start", required=True)
    term = row.whole("term_months", low=1, high=120, required=True)
    apr, payment = row.rate("apr"), row.amount("monthly_payment")
    financed, payoff = row.amount("amount_financed"), row.amount("payoff")
    payoff_on, residual = row.day("payoff_date"), row.amount("residual")
    if kind == "lease":
        if not row.raw("residual"):
            row.problem("residual", "empty; expected the lease's residual in dollars")
        for column in ("payoff", "payoff_date"):
            if row.raw(column):
                row.problem(column, "given for a lease; expected it only for a loan")
    else:
        if row.raw("residual"):
            row.problem("residual", "given for a loan; expected it only for a lease")
        if row.raw("payoff") and not row.raw("payoff_date"):
            row.problem("payoff_date", "empty; expected the date the payoff was quoted")
        amortisable = row.raw("apr") and (row.raw("monthly_payment") or row.raw("amount_financed"))
        if not row.raw("payoff") and not amortisable:
            row.problem(
                "payoff",
                "empty; expected the payoff, or apr with monthly_payment or amount_financed",
            )
    if starts_on is None or term is None:
        return None
    return Finance(
        kind="lease" if kind == "lease" else "loan",
        starts_on=starts_on,
        term_months=term,
        apr=apr,
        monthly_payment=payment,
        amount_financed=financed,
        payoff=payoff,
        payoff_on=payoff_on,
        residual=residual,
    )
