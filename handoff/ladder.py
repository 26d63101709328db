"""One ladder for everything that pages staff, a handoff or an intent alert: from the
subject's trail of steps, who is paged now (or when it is routed again), recorded through the
subject's own store and pagers, with its ack timeout. The rules are `routing.route` (pure);
this is the one place that reads what they need and acts on the decision, so a handoff and
an alert climb the same rungs, with the same acknowledgement and audit trail.

A subject's jobs, payloads and log events are named by its `kind`: `handoff:7:ack:2`,
`{"handoff_id": 7, "staff_id": 3}`, `handoff_paged`; `alert:4:route:3`, `alert_queued`.

Fair rotation's load (`load`) counts a member's live handoffs plus the alerts paged to them
and not acknowledged yet: an acknowledged alert is a call to make, not a conversation held,
and nothing makes anyone resolve it, so counting it would weigh a rep down for good. A page
is a page for the "least recently paged" tie-break: handoffs' and alerts' both count.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from contracts.redact import event
from crm_store import alerts, customers, dealerships, handoffs, jobs, staff
from crm_store.records import StaffRecord
from crm_store.uow import UnitOfWork
from handoff import routing
from handoff.routing import Decision

log = logging.getLogger("nightshift.handoff")
PAGED = ("paged", "rerouted")


class Step(Protocol):
    """One step of a subject's audit trail, as the ladder reads it."""

    @property
    def action(self) -> str: ...

    @property
    def staff_id(self) -> int | None: ...


class Routed(Protocol):
    """A handoff's or an alert's record, as the ladder reads it."""

    @property
    def id(self) -> int: ...

    @property
    def dealership_id(self) -> int: ...

    @property
    def customer_id(self) -> int: ...

    @property
    def status(self) -> StrEnum: ...  # a HandoffStatus or an AlertStatus: both have "paged"

    @property
    def assigned_staff_id(self) -> int | None: ...

    @property
    def acked_at(self) -> datetime | None: ...


class Subject(Protocol):
    """A handoff or an alert on the ladder, as its flow sees it: its record, and how a
    decision is recorded in its own store and sent by its own pages."""

    @property
    def found(self) -> Routed: ...

    @property
    def kind(self) -> str: ...  # "handoff" | "alert"

    @property
    def route_job(self) -> str: ...

    @property
    def ack_job(self) -> str: ...

    @property
    def urgent(self) -> bool: ...

    def steps(self, uow: UnitOfWork) -> Sequence[Step]: ...

    def record(self, uow: UnitOfWork, action: str, staff_id: int, detail: dict[str, Any]) -> None:
        """Add a step to the audit trail (`no_ack`)."""
        ...

    def page(self, uow: UnitOfWork, member: StaffRecord, rule: str, n: int) -> None:
        """Record the page to `member` and queue its pages (`n`: the trail's length)."""
        ...

    def queue(self, uow: UnitOfWork, until: datetime, staff_id: int | None, rule: str) -> None:
        """Record that nobody is paged before `until`."""
        ...


def climb(
    uow: UnitOfWork, subject: Subject, *, ack_minutes: float, on_call: str | None
) -> Decision:
    """Page the next person on the ladder and schedule the ack timeout, or queue the subject
    and schedule its next routing; every decision is a step of its trail."""
    now = uow.now()
    trail = subject.steps(uow)
    since_queue = max((i for i, s in enumerate(trail) if s.action == "queued"), default=-1)
    paged = [
        s.staff_id for s in trail[since_queue + 1 :] if s.action in PAGED and s.staff_id is not None
    ]
    found = subject.found
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=found.dealership_id)
    shopper = customers.get_customer(uow, customer_id=found.customer_id)
    team = staff.list_staff(uow, dealership_id=dealer.id)
    decision = routing.route(
        staff=team,
        now=now,
        timezone=dealer.timezone,
        owner_id=shopper.assigned_staff_id,
        paged=paged,
        urgent=subject.urgent,
        load=load(uow, dealership_id=dealer.id),
        last_paged=last_paged(uow, dealership_id=dealer.id),
        on_call=on_call,
    )
    n = len(trail)
    kind, ids = subject.kind, {f"{subject.kind}_id": found.id}
    if decision.pages_now:
        member = next(m for m in team if m.id == decision.staff_id)
        subject.page(uow, member, decision.rule, n)
        jobs.schedule(
            uow,
            kind=subject.ack_job,
            key=f"{kind}:{found.id}:ack:{n}",
            run_at=now + timedelta(minutes=ack_minutes),
            payload={**ids, "staff_id": member.id},
        )
        event(log, f"{kind}_paged", **{kind: found.id}, staff=member.id, rule=decision.rule)
        return decision
    until = decision.at or now + timedelta(hours=1)
    subject.queue(uow, until, decision.staff_id, decision.rule)
    jobs.schedule(
        uow, kind=subject.route_job, key=f"{kind}:{found.id}:route:{n}", run_at=until, payload=ids
    )
    event(log, f"{kind}_queued", **{kind: found.id}, until=until.isoformat())
    return decision


def timed_out(
    uow: UnitOfWork, subject: Subject, waited_for: int, *, ack_minutes: float, on_call: str | None
) -> Decision | None:
    """The page to `waited_for` was not acknowledged in time: the next rung (a `no_ack`
    step, then `climb`); nothing when it was acknowledged, resolved or moved on since."""
    found = subject.found
    awaiting = found.status == "paged" and found.acked_at is None
    if not awaiting or found.assigned_staff_id != waited_for:
        return None
    subject.record(uow, "no_ack", waited_for, {"minutes": ack_minutes})
    return climb(uow, subject, ack_minutes=ack_minutes, on_call=on_call)


def load(uow: UnitOfWork, *, dealership_id: int) -> dict[int, int]:
    """Per staff member: live handoffs plus paged, unacknowledged alerts."""
    total = Counter(handoffs.live_load(uow, dealership_id=dealership_id))
    total.update(alerts.awaiting_load(uow, dealership_id=dealership_id))
    return dict(total)


def last_paged(uow: UnitOfWork, *, dealership_id: int) -> dict[int, datetime]:
    """Per staff member: their latest page, for a handoff or an alert."""
    latest = handoffs.last_paged(uow, dealership_id=dealership_id)
    for staff_id, at in alerts.last_paged(uow, dealership_id=dealership_id).items():
        if staff_id not in latest or at > latest[staff_id]:
            latest[staff_id] = at
    return latest
