"""The intent alert's page (pages/alert.html) and what it shows: the reason, the customer and
how to reach them, their latest site activity collapsed ("viewed S6012 x4"), a link to their
console timeline, the audit trail. One self-contained page, no framework and no external
files, that reads the signed API at the same address (`staff_alerts`) and offers acknowledge
and resolve; it extends the staff pages' base, as the handoff's does (`handoff_page`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from pydantic import BaseModel

from console.timeline_entries import DOING
from crm_store import alerts, customers, shopper_events, staff
from crm_store.records import StaffRecord
from crm_store.shopper_events import ShopperEventRecord
from crm_store.uow import UnitOfWork
from nightshift.http.handoff_page import staff_page
from nightshift.http.handoffs import ActingAs, StepOut, step_rows

ACTIVITY_DAYS = 14  # how far back the page reads the customer's site activity
ACTIVITY_LINES = 8
TIMELINE = "/console/customers/{customer_id}"


def alert_page(dealership: str, alert_id: int) -> str:
    return staff_page("alert.html", id=alert_id, dealer=dealership)


class AlertOut(BaseModel):
    id: int
    rule: str
    reason: str
    status: str
    urgent: bool
    assigned_to: str | None
    acked: bool
    fired_at: str


class CustomerOut(BaseModel):
    id: int
    name: str | None
    phone: str | None
    email: str | None
    timeline_url: str  # their console timeline (staff sign in to the console for it)


class ActivityOut(BaseModel):
    text: str  # "viewed S6012 x4"
    last_at: str


class AlertDetails(BaseModel):
    """Everything the alert page shows."""

    alert: AlertOut
    acting_as: ActingAs
    customer: CustomerOut
    activity: list[ActivityOut]
    steps: list[StepOut]


def details(uow: UnitOfWork, alert_id: int, member: StaffRecord) -> AlertDetails:
    found = alerts.get_alert(uow, alert_id=alert_id)
    shopper = customers.get_customer(uow, customer_id=found.customer_id)
    team = {m.id: m.name for m in staff.list_staff(uow, dealership_id=found.dealership_id)}
    events = shopper_events.list_events(
        uow,
        dealership_id=found.dealership_id,
        customer_id=shopper.id,
        since=uow.now() - timedelta(days=ACTIVITY_DAYS),
    )
    return AlertDetails(
        alert=AlertOut(
            id=found.id,
            rule=found.rule,
            reason=found.reason,
            status=found.status.value,
            urgent=found.urgent,
            assigned_to=team.get(found.assigned_staff_id or 0),
            acked=found.acked_at is not None,
            fired_at=found.fired_at.isoformat(),
        ),
        acting_as=ActingAs(id=member.id, name=member.name, handle=member.handle),
        customer=CustomerOut(
            id=shopper.id,
            name=shopper.name,
            phone=shopper.phone,
            email=shopper.email,
            timeline_url=TIMELINE.format(customer_id=shopper.id),
        ),
        activity=activity(events),
        steps=step_rows(alerts.steps(uow, alert_id=found.id), team),
    )


def activity(events: list[ShopperEventRecord]) -> list[ActivityOut]:
    """The events collapsed by what was done to which vehicle, latest first: "viewed S6012
    x4", "used the trade-in calculator"."""
    counts: Counter[tuple[str, str | None]] = Counter()
    latest: dict[tuple[str, str | None], datetime] = {}
    for e in events:
        key = (e.type, e.stock)
        counts[key] += 1
        latest[key] = max(latest.get(key, e.at), e.at)
    lines = []
    for (kind, stock), last_at in sorted(latest.items(), key=lambda kv: kv[1], reverse=True):
        words = " ".join(w for w in (DOING.get(kind, kind.replace("_", " ")), stock) if w)
        n = counts[(kind, stock)]
        lines.append(
            ActivityOut(text=words + (f" x{n}" if n > 1 else ""), last_at=last_at.isoformat())
        )
    return lines[:ACTIVITY_LINES]
