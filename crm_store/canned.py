"""Canned replies: saved texts staff insert into a reply, dealership-wide (no owner) or a
staff member's own. A title is unique per owner (`models.CannedReply`). The fields in a body
(`{first_name}`, ...) are the console's business (`console.canned`); here a body is text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from crm_store.errors import InvalidValue
from crm_store.models import CannedReply
from crm_store.uow import UnitOfWork

MAX_TITLE = 80
MAX_BODY = 1600  # one staff message at most (the reply box's limit)


@dataclass(frozen=True, slots=True)
class CannedReplyRecord:
    id: int
    dealership_id: int
    owner_staff_id: int | None  # None: dealership-wide
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


def create(
    uow: UnitOfWork, *, dealership_id: int, owner_staff_id: int | None, title: str, body: str
) -> CannedReplyRecord:
    """A new canned reply. `InvalidValue` on `title` (empty, too long, or the owner already
    has one with this title) or `body` (empty or too long)."""
    title, body = title.strip(), body.strip()
    if not title or len(title) > MAX_TITLE:
        raise InvalidValue("title", title, f"1 to {MAX_TITLE} characters")
    if not body or len(body) > MAX_BODY:
        raise InvalidValue("body", f"{len(body)} characters", f"1 to {MAX_BODY} characters")
    now = uow.now()
    row = CannedReply(
        dealership_id=dealership_id,
        owner_staff_id=owner_staff_id,
        title=title,
        body=body,
        created_at=now,
        updated_at=now,
    )
    try:
        with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        whose = "the dealership's" if owner_staff_id is None else "your"
        raise InvalidValue("title", title, f"a title none of {whose} canned replies has") from None
    return _record(row)


def get(uow: UnitOfWork, *, reply_id: int) -> CannedReplyRecord:
    return _record(uow.get(CannedReply, reply_id, "canned reply"))


def list_for(uow: UnitOfWork, *, dealership_id: int, staff_id: int) -> list[CannedReplyRecord]:
    """What `staff_id` may use: the dealership-wide replies and their own, by title."""
    rows = uow.session.scalars(
        sa.select(CannedReply)
        .where(
            CannedReply.dealership_id == dealership_id,
            sa.or_(CannedReply.owner_staff_id.is_(None), CannedReply.owner_staff_id == staff_id),
        )
        .order_by(CannedReply.title, CannedReply.id)
    )
    return [_record(row) for row in rows]


def delete(uow: UnitOfWork, *, reply_id: int) -> None:
    uow.session.delete(uow.get(CannedReply, reply_id, "canned reply"))
    uow.flush()


def _record(row: CannedReply) -> CannedReplyRecord:
    return CannedReplyRecord(
        row.id,
        row.dealership_id,
        row.owner_staff_id,
        row.title,
        row.body,
        row.created_at,
        row.updated_at,
    )
