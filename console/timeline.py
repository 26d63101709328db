"""One timeline per customer, across channels and departments: messages, staff notes, the
shopper's website activity (collapsed), alerts, handoffs, test drives and their outcomes,
consent changes and service visits, newest first, a page at a time. The console's customer
page and `nightshift timeline` both show it.

A page is read in a fixed number of indexed queries (`crm_store.customer_timeline`), then
merged: consecutive shopper events of one type on one vehicle within a local day become one
entry ("viewed 2026 Outback Wilderness (S6012) x4, May 10 20:01-21:40"); any other shopper
event ends the run, a message or a note in between does not. A page holds `limit` entries
(more when several things share the last instant, so none is skipped); `more_before` is the
`before` of the next page. A run of events may continue on the next page as its own entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from console.timeline_entries import (
    SERVICE_VISIT,
    Entry,
    activity,
    alert,
    handoff,
    message,
    note,
    service_visit,
    step,
)
from crm_store import customers, dealerships
from crm_store.customer_timeline import (
    AlertRow,
    EventRow,
    HandoffRow,
    MessageRow,
    NoteRow,
    StepRow,
    TimelinePage,
    read_page,
)
from crm_store.errors import NotFound
from crm_store.inbox_items import display_name
from crm_store.phones import display_phone
from crm_store.uow import UnitOfWork

PAGE = 100
MAX_PAGE = 500
EVENTS_PER_ENTRY = 20  # raw shopper events read per entry of a page (runs collapse them)

Row = MessageRow | NoteRow | EventRow | AlertRow | HandoffRow | StepRow


@dataclass(frozen=True, slots=True)
class CustomerCard:
    id: int
    name: str  # display name: the name, else the masked phone
    phone: str | None  # as people write it
    email: str | None
    dealership: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Timeline:
    customer: CustomerCard
    entries: tuple[Entry, ...]
    more_before: datetime | None  # older entries exist: the next page's `before`


def read_timeline(
    uow: UnitOfWork,
    *,
    customer_id: int,
    dealership_id: int | None = None,
    before: datetime | None = None,
    limit: int = PAGE,
) -> Timeline:
    """The customer's entries older than `before` (the newest when None), at most about
    `limit` (1 to `MAX_PAGE`). With `dealership_id`, another dealership's customer is
    `NotFound`, not told apart from a missing one."""
    limit = max(1, min(limit, MAX_PAGE))
    shopper = customers.get_customer(uow, customer_id=customer_id)
    if dealership_id is not None and shopper.dealership_id != dealership_id:
        raise NotFound("customer not found")
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=shopper.dealership_id)
    zone = ZoneInfo(dealer.timezone)
    page = read_page(
        uow,
        customer_id=customer_id,
        before=before,
        limit=limit,
        event_limit=limit * EVENTS_PER_ENTRY,
    )
    entries, more = merge(page, zone, limit)
    card = CustomerCard(
        id=shopper.id,
        name=display_name(shopper.name, shopper.phone),
        phone=display_phone(shopper.phone) if shopper.phone else None,
        email=shopper.email,
        dealership=dealer.name,
        timezone=dealer.timezone,
    )
    return Timeline(card, tuple(entries), more)


def merge(page: TimelinePage, zone: ZoneInfo, limit: int) -> tuple[list[Entry], datetime | None]:
    """The page's rows as entries, newest first, and the `before` of the next page (None
    when this one reached the customer's first row)."""
    rows = _newest_first(page)
    built: list[Entry | list[EventRow]] = []
    run: list[EventRow] | None = None
    run_key: tuple[str, str | int | None, date] | None = None
    last: datetime | None = None
    stopped = False
    for at, row in rows:
        event = row if isinstance(row, EventRow) else None
        if event is not None and run is not None and _key(event, zone) == run_key:
            run.append(event)
            last = at
            continue
        if len(built) >= limit and at != last:
            stopped = True
            break
        last = at
        if event is not None and event.type != SERVICE_VISIT:
            run, run_key = [event], _key(event, zone)
            built.append(run)
            continue
        if event is not None:  # a service visit ends a run too
            run = run_key = None
        built.append(_entry(row, zone))
    entries = [activity(b, zone) if isinstance(b, list) else b for b in built]
    return entries, last if stopped or page.horizon is not None else None


def _newest_first(page: TimelinePage) -> list[tuple[datetime, Row]]:
    sources: tuple[list[MessageRow] | list[NoteRow] | list[EventRow], ...] = (
        page.messages,
        page.notes,
        page.events,
    )
    others: tuple[list[AlertRow] | list[HandoffRow] | list[StepRow], ...] = (
        page.alerts,
        page.handoffs,
        page.steps,
    )
    keyed: list[tuple[datetime, int, int, Row]] = [
        (row.at, order, row.id, row)
        for order, rows in enumerate((*sources, *others))
        for row in rows
    ]
    keyed.sort(key=lambda k: k[:3], reverse=True)
    if page.horizon is not None:  # below it, a source that was cut may have more
        horizon = page.horizon
        keyed = [k for k in keyed if k[0] > horizon] or [k for k in keyed if k[0] >= horizon]
    return [(at, row) for at, _, _, row in keyed]


def _key(row: EventRow, zone: ZoneInfo) -> tuple[str, str | int | None, date]:
    vehicle = row.vehicle.id if row.vehicle is not None else row.stock
    return row.type, vehicle, row.at.astimezone(zone).date()


def _entry(row: Row, zone: ZoneInfo) -> Entry:
    if isinstance(row, MessageRow):
        return message(row, zone)
    if isinstance(row, NoteRow):
        return note(row, zone)
    if isinstance(row, EventRow):
        return service_visit(row, zone)
    if isinstance(row, AlertRow):
        return alert(row, zone)
    if isinstance(row, HandoffRow):
        return handoff(row, zone)
    return step(row, zone)
