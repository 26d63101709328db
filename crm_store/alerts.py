"""Intent alerts: what a rule of `signals` said about a customer, written once per dedupe
key and window, and its audit trail (`alert_steps`, as `handoff_steps` is a handoff's).

An alert is written `new`; routing it to a staff member (paged, queued for the next shift,
acked, resolved) moves `status`, `assigned_staff_id`, `acked_at` and `resolved_at` and adds
a step for each move. `recent_keys` is the dedupe lookup: one indexed query over the given
customers' alerts since a time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_store.models import Alert, AlertStep
from crm_store.records import from_row
from crm_store.types import AlertStatus
from crm_store.uow import UnitOfWork

FIRED = "fired"  # the first step of every alert


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


def get_alert(uow: UnitOfWork, *, alert_id: int) -> AlertRecord:
    return from_row(AlertRecord, uow.get(Alert, alert_id, "alert"))


def record_step(
    uow: UnitOfWork,
    *,
    alert_id: int,
    action: str,
    staff_id: int | None = None,
    rule: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AlertStepRecord:
    row = AlertStep(
        alert_id=alert_id,
        at=uow.now(),
        action=action,
        staff_id=staff_id,
        rule=rule,
        detail=dict(detail or {}),
    )
    uow.session.add(row)
    uow.flush()
    return from_row(AlertStepRecord, row, detail=dict(row.detail))


def steps(uow: UnitOfWork, *, alert_id: int) -> list[AlertStepRecord]:
    rows = uow.session.scalars(
        sa.select(AlertStep).where(AlertStep.alert_id == alert_id).order_by(AlertStep.id)
    )
    return [from_row(AlertStepRecord, row, detail=dict(row.detail)) for row in rows]
