"""The audit log: every staff or integration action taken through the API or a signed
link, with who did it, through which credential, on what. Never message text or contact
details: the target is an id, the detail holds only facts such as a status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from crm_store.models import AuditEntry
from crm_store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    dealership_id: int
    at: datetime
    via: str
    actor: str
    staff_id: int | None
    token_id: int | None
    action: str
    target: str
    detail: dict[str, Any]


def record(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    via: str,
    actor: str,
    action: str,
    target: str,
    staff_id: int | None = None,
    token_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditRecord:
    row = AuditEntry(
        dealership_id=dealership_id,
        at=uow.now(),
        via=via,
        actor=actor[:200],
        staff_id=staff_id,
        token_id=token_id,
        action=action,
        target=target[:120],
        detail=dict(detail or {}),
    )
    uow.session.add(row)
    uow.flush()
    return _record(row)


def entries(uow: UnitOfWork, *, dealership_id: int, limit: int = 200) -> list[AuditRecord]:
    """The dealership's newest entries first."""
    rows = uow.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.dealership_id == dealership_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [_record(row) for row in rows]


def _record(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        row.id,
        row.dealership_id,
        row.at,
        row.via,
        row.actor,
        row.staff_id,
        row.token_id,
        row.action,
        row.target,
        dict(row.detail),
    )
