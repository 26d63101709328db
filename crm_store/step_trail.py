"""The audit trail of a routed item: a handoff's `handoff_steps`, an alert's `alert_steps`.

Handoffs and alerts are routed by the same ladder (`handoff.ladder`): each move (created or
fired, paged, rerouted, queued, acked, ...) adds one step naming who and by which rule, and
fair rotation reads the same facts back from both (who was paged last, who holds how many).
So the trail is written and read here, once; a `Trail` names what differs between the two
kinds: the item's table, its step table, the step column naming the item, and the record a
step is returned as. The items' own state moves stay in `handoffs` and `alerts`: their
statuses and side effects (a claimed conversation, an acked alert's status) differ.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, cast

import sqlalchemy as sa

from crm_store.models import Alert, AlertStep, Handoff, HandoffStep
from crm_store.records import from_row
from crm_store.uow import UnitOfWork

PAGED = ("paged", "rerouted")  # the steps that paged someone

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Trail(Generic[R]):
    """One kind of routed item: `HandoffStep` rows of `Handoff`s by `handoff_id`, say."""

    item: type[Handoff] | type[Alert]
    step: type[HandoffStep] | type[AlertStep]
    item_key: str  # the step's column naming its item
    record: type[R]  # what a step is returned as (a frozen record with the step's columns)

    def item_column(self) -> Any:
        return getattr(self.step, self.item_key)


def page_action(*, assigned_staff_id: int | None, staff_id: int) -> str:
    """The step paging `staff_id` writes: `rerouted` when the item was with someone else."""
    rerouted = assigned_staff_id is not None and assigned_staff_id != staff_id
    return "rerouted" if rerouted else "paged"


def record(
    uow: UnitOfWork,
    trail: Trail[R],
    *,
    item_id: int,
    action: str,
    staff_id: int | None = None,
    rule: str | None = None,
    detail: dict[str, Any] | None = None,
) -> R:
    """Add a step to item `item_id`'s trail, stamped now."""
    row = trail.step(
        **{trail.item_key: item_id},
        at=uow.now(),
        action=action,
        staff_id=staff_id,
        rule=rule,
        detail=dict(detail or {}),
    )
    uow.session.add(row)
    uow.flush()
    return _record(trail, row)


def steps(uow: UnitOfWork, trail: Trail[R], *, item_id: int) -> list[R]:
    """Item `item_id`'s trail, oldest step first."""
    step = trail.step
    query = sa.select(step).where(trail.item_column() == item_id).order_by(step.id)
    rows = cast("Sequence[HandoffStep | AlertStep]", uow.session.scalars(query).all())
    return [_record(trail, row) for row in rows]


def last_paged(uow: UnitOfWork, trail: Trail[Any], *, dealership_id: int) -> dict[int, datetime]:
    """When each staff member was last paged for any of the dealership's items of this kind
    (fair rotation: with equal load, whoever has waited longest gets the next page)."""
    step, item = trail.step, trail.item
    rows = uow.session.execute(
        sa.select(step.staff_id, sa.func.max(step.at))
        .join(item, item.id == trail.item_column())
        .where(
            item.dealership_id == dealership_id,
            step.action.in_(PAGED),
            step.staff_id.is_not(None),
        )
        .group_by(step.staff_id)
    )
    return {int(staff_id): at for staff_id, at in rows if staff_id is not None}


def load(
    uow: UnitOfWork, trail: Trail[Any], *, dealership_id: int, statuses: Collection[Any]
) -> dict[int, int]:
    """How many of the dealership's items of this kind in `statuses` each staff member holds
    (fair rotation pages the least loaded)."""
    item = trail.item
    rows = uow.session.execute(
        sa.select(item.assigned_staff_id, sa.func.count())
        .where(
            item.dealership_id == dealership_id,
            item.status.in_(statuses),
            item.assigned_staff_id.is_not(None),
        )
        .group_by(item.assigned_staff_id)
    )
    return {int(staff_id or 0): int(count) for staff_id, count in rows}


def _record(trail: Trail[R], row: HandoffStep | AlertStep) -> R:
    return from_row(trail.record, row, detail=dict(row.detail))  # a copy: records are frozen
