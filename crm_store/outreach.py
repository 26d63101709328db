"""Outreach campaigns and their attempts, one per customer: created queued (at a send time)
or suppressed (with the reason), then sent, suppressed or failed when their time comes.

The rules deciding which (consent, quiet hours, cap, throttle) live in `signals.outreach`;
this module only stores what they decided, so every send and every suppression has a row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import (
    Alert,
    Appointment,
    Campaign,
    Customer,
    Message,
    OutreachAttempt,
    Vehicle,
)
from crm_store.models.outreach import AttemptReason, AttemptStatus, CampaignKind, CampaignStatus
from crm_store.records import from_row
from crm_store.types import AppointmentStatus, Author, Consent, Direction, VehicleStatus
from crm_store.uow import UnitOfWork

__all__ = [
    "AttemptReason",
    "AttemptRecord",
    "AttemptStatus",
    "CampaignKind",
    "CampaignRecord",
    "CampaignStatus",
    "Recipient",
    "SentMeanwhile",
]


@dataclass(frozen=True, slots=True)
class CampaignRecord:
    id: int
    dealership_id: int
    kind: CampaignKind
    name: str
    template: str
    created_by: str
    status: CampaignStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    id: int
    campaign_id: int
    dealership_id: int
    customer_id: int
    status: AttemptStatus
    reason: AttemptReason | None
    send_at: datetime | None
    sent_at: datetime | None
    message_id: int | None
    conversation_id: int | None
    vehicle_id: int | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the outreach rules need of a customer."""

    customer_id: int
    phone: str | None
    consent: Consent
    timezone: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class SentMeanwhile:
    """A text staff or the system (an outreach text, a notice) sent the shopper since the
    assistant last wrote; `stock`: an outreach text's vehicle while it is not sold."""

    message_id: int
    author: Author
    body: str
    outreach: bool
    stock: str | None


def create_campaign(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    kind: CampaignKind,
    name: str,
    template: str,
    created_by: str,
) -> CampaignRecord:
    row = Campaign(
        dealership_id=dealership_id,
        kind=kind,
        name=name,
        template=template,
        created_by=created_by,
        status=CampaignStatus.RUNNING,
        created_at=uow.now(),
    )
    uow.session.add(row)
    uow.flush()
    return from_row(CampaignRecord, row)


def get_campaign(uow: UnitOfWork, *, campaign_id: int) -> CampaignRecord:
    row = uow.session.get(Campaign, campaign_id)
    if row is None:
        raise NotFound(f"no campaign {campaign_id}")
    return from_row(CampaignRecord, row)


def add_attempt(
    uow: UnitOfWork,
    *,
    campaign_id: int,
    dealership_id: int,
    customer_id: int,
    send_at: datetime | None,
    reason: AttemptReason | None = None,
    vehicle_id: int | None = None,
) -> AttemptRecord:
    """Queued at `send_at` (a `quiet_hours` reason says it was moved there), or, without a
    send time, suppressed for `reason`; `vehicle_id`: the vehicle the text is about."""
    now = uow.now()
    row = OutreachAttempt(
        campaign_id=campaign_id,
        dealership_id=dealership_id,
        customer_id=customer_id,
        vehicle_id=vehicle_id,
        status=AttemptStatus.SUPPRESSED if send_at is None else AttemptStatus.QUEUED,
        reason=reason,
        send_at=send_at,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(row)
    uow.flush()
    return from_row(AttemptRecord, row)


def get_attempt(uow: UnitOfWork, *, attempt_id: int) -> AttemptRecord:
    row = uow.session.get(OutreachAttempt, attempt_id)
    if row is None:
        raise NotFound(f"no outreach attempt {attempt_id}")
    return from_row(AttemptRecord, row)


def defer(uow: UnitOfWork, *, attempt_id: int, until: datetime) -> None:
    """Still queued, moved to `until` out of the recipient's quiet hours."""
    _update(uow, attempt_id, send_at=until, reason=AttemptReason.QUIET_HOURS)


def suppress(uow: UnitOfWork, *, attempt_id: int, reason: AttemptReason) -> None:
    _update(uow, attempt_id, status=AttemptStatus.SUPPRESSED, reason=reason)


def mark_sent(uow: UnitOfWork, *, attempt_id: int, message_id: int, conversation_id: int) -> None:
    _update(
        uow,
        attempt_id,
        status=AttemptStatus.SENT,
        sent_at=uow.now(),
        message_id=message_id,
        conversation_id=conversation_id,
    )


def _update(uow: UnitOfWork, attempt_id: int, **values: object) -> None:
    uow.session.execute(
        sa.update(OutreachAttempt)
        .where(OutreachAttempt.id == attempt_id)
        .values(**values, updated_at=uow.now())
    )


def outreach_times(
    uow: UnitOfWork, *, customer_id: int, since: datetime, queued: bool = True
) -> list[datetime]:
    """When the customer was sent outreach at or after `since`, and (with `queued`) when
    more is queued for them (the cap)."""
    sent = sa.and_(OutreachAttempt.status == AttemptStatus.SENT, OutreachAttempt.sent_at >= since)
    waiting = sa.and_(
        OutreachAttempt.status == AttemptStatus.QUEUED, OutreachAttempt.send_at >= since
    )
    query = sa.select(sa.func.coalesce(OutreachAttempt.sent_at, OutreachAttempt.send_at)).where(
        OutreachAttempt.customer_id == customer_id, sa.or_(sent, waiting) if queued else sent
    )
    return [at for at in uow.session.scalars(query) if at is not None]


def queued_times(uow: UnitOfWork, *, dealership_id: int, since: datetime) -> list[datetime]:
    """The send times already taken on the dealership's number (the throttle)."""
    query = sa.select(OutreachAttempt.send_at).where(
        OutreachAttempt.dealership_id == dealership_id,
        OutreachAttempt.status == AttemptStatus.QUEUED,
        OutreachAttempt.send_at >= since,
    )
    return [at for at in uow.session.scalars(query) if at is not None]


def counts(uow: UnitOfWork, *, campaign_id: int) -> Counter[tuple[str, str]]:
    """(status, reason or "") -> attempts of the campaign."""
    query = (
        sa.select(OutreachAttempt.status, OutreachAttempt.reason, sa.func.count())
        .where(OutreachAttempt.campaign_id == campaign_id)
        .group_by(OutreachAttempt.status, OutreachAttempt.reason)
    )
    return Counter(
        {(str(s.value), r.value if r else ""): n for s, r, n in uow.session.execute(query)}
    )


def recipients(uow: UnitOfWork, *, customer_ids: Collection[int]) -> list[Recipient]:
    """The customers' phone, consent, time zone and name, in id order."""
    found: list[Recipient] = []
    ids = sorted(set(customer_ids))
    for start in range(0, len(ids), 500):  # bounded IN lists
        query = (
            sa.select(
                Customer.id, Customer.phone, Customer.sms_consent, Customer.timezone, Customer.name
            )
            .where(Customer.id.in_(ids[start : start + 500]))
            .order_by(Customer.id)
        )
        found += [Recipient(*row) for row in uow.session.execute(query)]
    return found


def set_timezone(uow: UnitOfWork, *, customer_id: int, timezone: str | None) -> None:
    uow.session.execute(
        sa.update(Customer)
        .where(Customer.id == customer_id)
        .values(timezone=timezone, updated_at=uow.now())
    )


def no_show_customers(
    uow: UnitOfWork, *, dealership_id: int, since: datetime
) -> dict[int, int | None]:
    """Customers with an appointment marked no-show that started at or after `since`, each
    with the vehicle of their latest such appointment."""
    query = (
        sa.select(Appointment.customer_id, Appointment.vehicle_id)
        .where(
            Appointment.dealership_id == dealership_id,
            Appointment.status == AppointmentStatus.NO_SHOW,
            Appointment.starts_at >= since,
            Appointment.customer_id.is_not(None),
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    # later rows overwrite earlier ones: the latest appointment's vehicle stands
    return {cid: vid for cid, vid in uow.session.execute(query) if cid is not None}


def alerted_customers(
    uow: UnitOfWork, *, dealership_id: int, rule: str, since: datetime
) -> dict[int, int | None]:
    """Customers an intent rule (e.g. `price_drop`: a vehicle they viewed, watched or asked
    about got cheaper) fired for at or after `since`, each with the vehicle of the latest
    such alert (None when it names none)."""
    query = (
        sa.select(Alert.customer_id, Alert.vehicle_id)
        .where(Alert.dealership_id == dealership_id, Alert.rule == rule, Alert.fired_at >= since)
        .order_by(Alert.fired_at, Alert.id)
    )
    return {cid: vid for cid, vid in uow.session.execute(query)}


def list_attempts(uow: UnitOfWork, *, campaign_id: int) -> list[AttemptRecord]:
    """The campaign's attempts in the order they were made."""
    rows = uow.session.scalars(
        sa.select(OutreachAttempt)
        .where(OutreachAttempt.campaign_id == campaign_id)
        .order_by(OutreachAttempt.id)
    )
    return [from_row(AttemptRecord, row) for row in rows]


def sent_meanwhile(
    uow: UnitOfWork, *, conversation_id: int, limit: int = 10
) -> list[SentMeanwhile]:
    """The last `limit` texts staff or the system sent in the conversation after its last
    assistant message, oldest first, each with its outreach vehicle (one query)."""
    last_reply = (
        sa.select(sa.func.coalesce(sa.func.max(Message.id), 0))
        .where(Message.conversation_id == conversation_id, Message.author == Author.ASSISTANT)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Message.id,
            Message.author,
            Message.body,
            OutreachAttempt.id.is_not(None),
            Vehicle.stock,
        )
        .outerjoin(OutreachAttempt, OutreachAttempt.message_id == Message.id)
        .outerjoin(
            Vehicle,
            sa.and_(Vehicle.id == OutreachAttempt.vehicle_id, Vehicle.status != VehicleStatus.SOLD),
        )
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == Direction.OUTBOUND,
            Message.author.in_([Author.STAFF, Author.SYSTEM]),
            Message.id > last_reply,
        )
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return [SentMeanwhile(*row) for row in reversed(uow.session.execute(query).all())]
