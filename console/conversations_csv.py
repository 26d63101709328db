"""The conversations CSV a manager downloads: one row per conversation a dealership started in
a period, for a spreadsheet.

Columns (`COLUMNS`):
- `conversation`: the public id (the one the transcript and "Save as QA scenario" take);
- `channel`: sms or web;
- `started_at`: when the conversation began, dealership-local ISO 8601 with its offset;
- `customer`: the shopper's name, else their phone as a person reads it, else their e-mail;
- `messages`: every message of the conversation (shopper, assistant, staff, system);
- `outcome`: `booked` (a test drive of the conversation still stands), `handed off (reasons)`,
  both joined by "; ", or `no action`;
- `salesperson`: the staff member on the conversation's latest handoff, else on its booked
  test drive, else the shopper's assigned salesperson; empty when none;
- `after_hours`: y when the shopper's first message came outside the sales hours, else n;
- `first_reply_seconds`: from the shopper's first message to the first assistant or staff
  message after it; empty when nobody replied.

RFC 4180 (the csv module, CRLF line ends) and guarded against formula injection: a text cell
that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return)
is prefixed with an apostrophe (which spreadsheets show as nothing). That includes a public id
that happens to start with "-".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from datetime import datetime
from zoneinfo import ZoneInfo

from crm_store import dealerships, exports, reports, staff
from crm_store.phones import display_phone
from crm_store.records import AppointmentRecord, CustomerRecord, HandoffRecord
from crm_store.reports import ConversationFacts
from crm_store.uow import UnitOfWork
from handoff.routing import open_now

COLUMNS = (
    "conversation",
    "channel",
    "started_at",
    "customer",
    "messages",
    "outcome",
    "salesperson",
    "after_hours",
    "first_reply_seconds",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def conversations_csv(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    start: datetime,
    end: datetime,
    public_ids: Collection[str] | None = None,
) -> str:
    """The CSV text (header row first) of the conversations started in [start, end); with
    `public_ids`, only those among them (the review page's filtered selection)."""
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    zone = ZoneInfo(dealer.timezone)
    # the conversations first: their query checks the period
    started = reports.conversations_started(uow, dealership_id=dealership_id, start=start, end=end)
    parties = exports.period_parties(uow, dealership_id=dealership_id, start=start, end=end)
    names = {s.id: s.name for s in staff.list_staff(uow, dealership_id=dealership_id)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for facts in started:
        if public_ids is not None and facts.public_id not in public_ids:
            continue
        shopper = parties.customers.get(facts.customer_id) if facts.customer_id else None
        drives = parties.appointments.get(facts.conversation_id, [])
        handed = parties.handoffs.get(facts.conversation_id, [])
        staff_id = _salesperson(handed, drives, shopper)
        if staff_id is not None and staff_id not in names:  # no longer active
            names[staff_id] = staff.get_staff(uow, staff_id=staff_id).name
        first = facts.first_shopper_at or facts.created_at
        row: list[str | int] = [
            facts.public_id,
            facts.channel.value,
            facts.created_at.astimezone(zone).isoformat(timespec="seconds"),
            _display_name(shopper),
            facts.messages,
            _outcome(handed, drives),
            names[staff_id] if staff_id is not None else "",
            "n" if open_now(dealer.hours, first, dealer.timezone) else "y",
            _first_reply(facts),
        ]
        writer.writerow([guard(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()


def guard(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a leading apostrophe when it would
    otherwise be read as a formula (OWASP's CSV injection advice)."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _display_name(shopper: CustomerRecord | None) -> str:
    if shopper is None:
        return ""
    if shopper.name:
        return shopper.name
    if shopper.phone:
        return display_phone(shopper.phone)
    return shopper.email or ""


def _outcome(handed: list[HandoffRecord], drives: list[AppointmentRecord]) -> str:
    parts = ["booked"] if drives else []
    reasons = sorted({r for h in handed for r in h.reasons})
    if handed:
        parts.append(f"handed off ({', '.join(reasons)})" if reasons else "handed off")
    return "; ".join(parts) or "no action"


def _salesperson(
    handed: list[HandoffRecord], drives: list[AppointmentRecord], shopper: CustomerRecord | None
) -> int | None:
    for found in reversed(handed):
        if found.assigned_staff_id is not None:
            return found.assigned_staff_id
    for drive in drives:
        if drive.staff_id is not None:
            return drive.staff_id
    return shopper.assigned_staff_id if shopper else None


def _first_reply(facts: ConversationFacts) -> int | str:
    if facts.first_shopper_at is None or facts.first_reply_at is None:
        return ""
    return int((facts.first_reply_at - facts.first_shopper_at).total_seconds())
