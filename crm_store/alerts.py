"""Intent alerts: what a rule of `signals` said about a customer, written once per dedupe
key and window, and its audit trail (`alert_steps`, as `handoff_steps` is a handoff's).

An alert is written `new`, and its routing job is queued in the same transaction (as a
handoff's is), so no alert is ever left unrouted, even across a restart. Routing it to a
staff member (paged, queued for the next shift, acked, resolved) moves `status`,
`assigned_staff_id`, `acked_at` and `resolved_at` and adds a step for each move (the same
actions as a handoff's: paged, rerouted, no_ack, queued, acked, resolved). `recent_keys` is
the dedupe lookup: one indexed query over the given customers' alerts since a time.
`live_for` is what the staff console lists: the alerts a staff member holds, and for a
manager those nobody holds yet, each with its customer's name and phone for display.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_store import jobs, step_trail
from crm_store.models import Alert, AlertStep, Customer
from crm_store.records import from_row
from crm_store.types import AlertStatus
from crm_store.uow import UnitOfWork

FIRED = "fired"  # the first step of every alert
ROUTE_JOB = "alert_route"
HELD = (AlertStatus.PAGED, AlertStatus.QUEUED, AlertStatus.ACKED)  # with a staff member
UNHELD = (AlertStatus.NEW, AlertStatus.QUEUED)  # nobody has it in hand yet


@dataclass(frozen=True, slots=True)
class NewAlert:
    customer_id: int
    vehicle_id: int | None
    rule: str
    reason: str
    dedupe_key: str
    fired_at: datetime
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: int
    dealership_id: int
    customer_id: int
    vehicle_id: int | None
    rule: str
    reason: str
    dedupe_key: str
    fired_at: datetime
    urgent: bool
    status: AlertStatus
    assigned_staff_id: int | None
    acked_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AlertStepRecord:
    id: int
    alert_id: int
    at: datetime
    action: str
    staff_id: int | None
    rule: str | None
    detail: dict[str, Any] = field(default_factory=dict)


TRAIL = step_trail.Trail(Alert, AlertStep, "alert_id", AlertStepRecord)


@dataclass(frozen=True, slots=True)
class ListedAlert:
    """An alert as a list shows it: with its customer's name and phone (to mask)."""

    alert: AlertRecord
    customer_name: str | None
    customer_phone: str | None


def create_alert(uow: UnitOfWork, *, dealership_id: int, alert: NewAlert) -> AlertRecord:
    """Write the alert (`new`) and its first step, `fired`, naming its rule."""
    now = uow.now()
    row = Alert(
        dealership_id=dealership_id,
        customer_id=alert.customer_id,
        vehicle_id=alert.vehicle_id,
        rule=alert.rule,
        reason=alert.reason,
        dedupe_key=alert.dedupe_key,
        fired_at=alert.fired_at,
        urgent=alert.urgent,
        status=AlertStatus.NEW,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    record_step(uow, alert_id=row.id, action=FIRED, rule=alert.rule)
    jobs.schedule(uow, kind=ROUTE_JOB, key=f"alert:{row.id}:route:0", payload={"alert_id": row.id})
    return from_row(AlertRecord, row)


def recent_keys(
    uow: UnitOfWork, *, customer_ids: Collection[int], since: datetime
) -> dict[str, datetime]:
    """Dedupe key -> when its newest alert fired, of these customers' alerts fired at or
    after `since`."""
    if not customer_ids:
        return {}
    query = (
        sa.select(Alert.dedupe_key, sa.func.max(Alert.fired_at))
        .where(Alert.customer_id.in_(set(customer_ids)), Alert.fired_at >= since)
        .group_by(Alert.dedupe_key)
    )
    found: dict[str, datetime] = {}
    for key, newest in uow.session.execute(query):
        found[str(key)] = newest
    return found


def list_alerts(
    uow: UnitOfWork, *, dealership_id: int, customer_id: int | None = None
) -> list[AlertRecord]:
    """The dealership's alerts (of one customer when given), oldest first."""
    query = sa.select(Alert).where(Alert.dealership_id == dealership_id)
    if customer_id is not None:
        query = query.where(Alert.customer_id == customer_id)
    rows = uow.session.scalars(query.order_by(Alert.fired_at, Alert.id))
    return [from_row(AlertRecord, row) for row in rows]


def live_for(
    uow: UnitOfWork, *, dealership_id: int, staff_id: int, unheld: bool, limit: int = 50
) -> list[ListedAlert]:
    """The dealership's alerts paged, queued or acked to `staff_id` and not resolved, and,
    with `unheld`, also those nobody holds (new, or queued for the next shift); newest fired
    first, at most `limit`."""
    held = sa.and_(Alert.assigned_staff_id == staff_id, Alert.status.in_(HELD))
    rows = uow.session.execute(
        sa.select(Alert, Customer.name, Customer.phone)
        .join(Customer, Customer.id == Alert.customer_id)
        .where(
            Alert.dealership_id == dealership_id,
            sa.or_(held, Alert.status.in_(UNHELD)) if unheld else held,
        )
        .order_by(Alert.fired_at.desc(), Alert.id.desc())
        .limit(limit)
    ).all()
    return [ListedAlert(from_row(AlertRecord, row), name, phone) for row, name, phone in rows]


def get_alert(uow: UnitOfWork, *, alert_id: int) -> AlertRecord:
    return from_row(AlertRecord, _get(uow, alert_id))


def _get(uow: UnitOfWork, alert_id: int) -> Alert:
    return uow.get(Alert, alert_id, "alert")


def page(uow: UnitOfWork, *, alert_id: int, staff_id: int, rule: str) -> AlertRecord:
    """The alert is now waiting for `staff_id` to acknowledge the page."""
    row = _get(uow, alert_id)
    action = step_trail.page_action(assigned_staff_id=row.assigned_staff_id, staff_id=staff_id)
    row.status = AlertStatus.PAGED
    row.assigned_staff_id = staff_id
    row.acked_at = None
    row.updated_at = uow.now()
    record_step(uow, alert_id=row.id, action=action, staff_id=staff_id, rule=rule)
    return from_row(AlertRecord, row)


def queue(
    uow: UnitOfWork, *, alert_id: int, until: datetime, staff_id: int | None, rule: str
) -> AlertRecord:
    """Nobody is paged now (after hours): the alert waits for `staff_id` at `until`."""
    row = _get(uow, alert_id)
    row.status = AlertStatus.QUEUED
    row.assigned_staff_id = staff_id
    row.updated_at = uow.now()
    detail = {"until": until.isoformat()}
    record_step(uow, alert_id=row.id, action="queued", staff_id=staff_id, rule=rule, detail=detail)
    return from_row(AlertRecord, row)


def ack(uow: UnitOfWork, *, alert_id: int, staff_id: int, via: str) -> AlertRecord:
    """The paged person has it (idempotent; a resolved alert stays resolved): no reroute."""
    row = _get(uow, alert_id)
    if row.acked_at is None:
        now = uow.now()
        row.acked_at = now
        row.assigned_staff_id = staff_id
        if row.status is not AlertStatus.RESOLVED:
            row.status = AlertStatus.ACKED
        row.updated_at = now
        record_step(uow, alert_id=row.id, action="acked", staff_id=staff_id, detail={"via": via})
    return from_row(AlertRecord, row)


def resolve(uow: UnitOfWork, *, alert_id: int, staff_id: int, via: str) -> AlertRecord:
    """Done with (idempotent): the customer was reached or needs nothing. Resolving an alert
    nobody acknowledged acknowledges it first, so no reroute follows."""
    ack(uow, alert_id=alert_id, staff_id=staff_id, via=via)
    row = _get(uow, alert_id)
    if row.status is not AlertStatus.RESOLVED:
        now = uow.now()
        row.status = AlertStatus.RESOLVED
        row.resolved_at = now
        row.updated_at = now
        record_step(uow, alert_id=row.id, action="resolved", staff_id=staff_id, detail={"via": via})
    return from_row(AlertRecord, row)


def awaiting_ack_by(uow: UnitOfWork, *, staff_id: int) -> tuple[AlertRecord, datetime] | None:
    """The alert paged to `staff_id` most recently that they have not acknowledged yet, and
    when it was paged to them."""
    paged_at = sa.func.max(AlertStep.at)
    found = uow.session.execute(
        sa.select(Alert, paged_at)
        .join(AlertStep, AlertStep.alert_id == Alert.id)
        .where(
            Alert.assigned_staff_id == staff_id,
            Alert.status == AlertStatus.PAGED,
            Alert.acked_at.is_(None),
            AlertStep.staff_id == staff_id,
            AlertStep.action.in_(step_trail.PAGED),
        )
        .group_by(Alert.id)
        .order_by(paged_at.desc(), Alert.id.desc())
        .limit(1)
    ).first()
    return None if found is None else (from_row(AlertRecord, found[0]), found[1])


def awaiting_load(uow: UnitOfWork, *, dealership_id: int) -> dict[int, int]:
    """How many paged alerts each staff member has not acknowledged yet (fair rotation)."""
    return step_trail.load(uow, TRAIL, dealership_id=dealership_id, statuses=(AlertStatus.PAGED,))


def last_paged(uow: UnitOfWork, *, dealership_id: int) -> dict[int, datetime]:
    """When each staff member was last paged for any of the dealership's alerts."""
    return step_trail.last_paged(uow, TRAIL, dealership_id=dealership_id)


def record_step(
    uow: UnitOfWork,
    *,
    alert_id: int,
    action: str,
    staff_id: int | None = None,
    rule: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AlertStepRecord:
    return step_trail.record(
        uow, TRAIL, item_id=alert_id, action=action, staff_id=staff_id, rule=rule, detail=detail
    )


def steps(uow: UnitOfWork, *, alert_id: int) -> list[AlertStepRecord]:
    return step_trail.steps(uow, TRAIL, item_id=alert_id)
