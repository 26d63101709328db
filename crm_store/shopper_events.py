"""Shopper events (website views, calculators, forms, service visits) and the visitor ids
tied to customers.

`record_batch` stores a batch inside the caller's unit of work, all or nothing: an event
whose `event_id` the dealership already has (or that the batch repeats) is counted as a
duplicate and not stored again, also when two requests race with the same id. The queries
the intent rules make (`count_events`, `list_events`) read one person's events through an
index, so they cost the events of that customer (or visitor) in the window, not all events.

When a visitor turns out to be a customer (`link_visitors`, or the web chat opening a
customer for its session: `claim_visitor_events`), that visitor's earlier anonymous events
are given to the customer at once, so "events of a customer" is one indexed query.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from crm_store.models import ChannelIdentity, Customer, ShopperEvent, Vehicle, VisitorLink
from crm_store.records import from_row
from crm_store.types import Channel
from crm_store.uow import UnitOfWork


class Identified(Protocol):
    @property
    def event_id(self) -> str | None: ...


E = TypeVar("E", bound=Identified)


@dataclass(frozen=True, slots=True)
class NewShopperEvent:
    """An event to store, its customer already found (or None: anonymous so far)."""

    type: str
    at: datetime
    event_id: str | None = None
    sent_as: str | None = None
    visitor_id: str | None = None
    customer_id: int | None = None
    stock: str | None = None
    vin: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShopperEventRecord:
    id: int
    dealership_id: int
    event_id: str | None
    type: str
    sent_as: str | None
    at: datetime
    received_at: datetime
    visitor_id: str | None
    customer_id: int | None
    vehicle_id: int | None
    stock: str | None
    vin: str | None
    properties: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BatchResult:
    accepted: int
    duplicates: int
    ids: tuple[int, ...] = ()  # of the events stored now


@dataclass(frozen=True, slots=True)
class People:
    """Who the dealership knows by these contacts and visitor ids (customer ids)."""

    by_phone: dict[str, int]
    by_email: dict[str, int]  # lower-cased e-mail
    by_visitor: dict[str, int]  # a visitor link, else the web chat session of that id


def record_batch(
    uow: UnitOfWork, *, dealership_id: int, events: Sequence[NewShopperEvent]
) -> BatchResult:
    """Store `events` (duplicates by `event_id` skipped and counted); vehicles are found by
    stock, else VIN, among the dealership's; the raw stock and VIN are kept either way."""
    fresh = not_stored(uow, dealership_id=dealership_id, events=events)
    if not fresh:
        return BatchResult(accepted=0, duplicates=len(events))
    vehicles = _vehicle_ids(uow, dealership_id, fresh)
    now = uow.now()
    rows = [
        {
            "dealership_id": dealership_id,
            "event_id": e.event_id,
            "type": e.type,
            "sent_as": e.sent_as,
            "at": e.at,
            "received_at": now,
            "visitor_id": e.visitor_id,
            "customer_id": e.customer_id,
            "vehicle_id": vehicles.get(("stock", e.stock)) or vehicles.get(("vin", e.vin)),
            "stock": e.stock,
            "vin": e.vin,
            "properties": dict(e.properties),
        }
        for e in fresh
    ]
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(sa.Table, ShopperEvent.__table__)
    # A concurrent request that stored the same event id first wins; this one skips it.
    statement = insert(table).on_conflict_do_nothing(index_elements=["dealership_id", "event_id"])
    # executemany, not one VALUES clause of the rows: the statement compiles once and is
    # cached (a 500-row VALUES clause compiled anew per batch was most of a batch's time);
    # SQLAlchemy still sends batched multi-row INSERTs ("insertmanyvalues") with RETURNING.
    result = uow.session.execute(statement.returning(table.c.id), rows)
    ids = tuple(result.scalars())
    return BatchResult(accepted=len(ids), duplicates=len(events) - len(ids), ids=ids)


def not_stored(uow: UnitOfWork, *, dealership_id: int, events: Sequence[E]) -> list[E]:
    """`events` less the duplicates: those whose `event_id` the dealership has stored, and
    the repeats of an id within `events` (the first one stays)."""
    given = [e.event_id for e in events if e.event_id is not None]
    stored = stored_event_ids(uow, dealership_id=dealership_id, event_ids=given)
    fresh: list[E] = []
    for event in events:
        if event.event_id is not None:
            if event.event_id in stored:
                continue
            stored.add(event.event_id)
        fresh.append(event)
    return fresh


def stored_event_ids(
    uow: UnitOfWork, *, dealership_id: int, event_ids: Collection[str]
) -> set[str]:
    """Which of `event_ids` the dealership has stored already."""
    if not event_ids:
        return set()
    query = sa.select(ShopperEvent.event_id).where(
        ShopperEvent.dealership_id == dealership_id, ShopperEvent.event_id.in_(set(event_ids))
    )
    return {str(found) for found in uow.session.scalars(query)}


def known_people(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    phones: Collection[str],
    emails: Collection[str],
    visitors: Collection[str],
) -> People:
    """The customers these E.164 phones, e-mails and visitor ids belong to (one query each).

    A visitor is the customer its link names, else the customer of the web chat session of
    the same id (the chat widget's session id is the website's visitor id)."""
    by_phone: dict[str, int] = {}
    by_email: dict[str, int] = {}
    by_visitor: dict[str, int] = {}
    mine = Customer.dealership_id == dealership_id
    if phones:
        query = sa.select(Customer.phone, Customer.id).where(mine, Customer.phone.in_(phones))
        by_phone = {str(phone): cid for phone, cid in uow.session.execute(query)}
    if emails:
        lower = sa.func.lower(Customer.email)
        query = (
            sa.select(lower, Customer.id)
            .where(mine, lower.in_({e.lower() for e in emails}))
            .order_by(Customer.id.desc())  # the oldest customer wins a shared address
        )
        by_email = {str(email): cid for email, cid in uow.session.execute(query)}
    if visitors:
        chats = sa.select(ChannelIdentity.external_id, ChannelIdentity.customer_id).where(
            ChannelIdentity.dealership_id == dealership_id,
            ChannelIdentity.channel == Channel.WEB,
            ChannelIdentity.external_id.in_(visitors),
        )
        by_visitor = {str(visitor): cid for visitor, cid in uow.session.execute(chats)}
        links = sa.select(VisitorLink.visitor_id, VisitorLink.customer_id).where(
            VisitorLink.dealership_id == dealership_id, VisitorLink.visitor_id.in_(visitors)
        )
        # a link (made by an event naming the customer) outranks a chat session
        by_visitor.update({str(visitor): cid for visitor, cid in uow.session.execute(links)})
    return People(by_phone=by_phone, by_email=by_email, by_visitor=by_visitor)


def link_visitors(uow: UnitOfWork, *, dealership_id: int, links: Mapping[str, int]) -> int:
    """Tie each visitor id of `links` to its customer (the newest identification wins for
    later anonymous events) and give each customer that visitor's anonymous events; returns
    how many joined. Three statements whatever the number of links."""
    if not links:
        return 0
    now = uow.now()
    known = {
        link.visitor_id: link
        for link in uow.session.scalars(
            sa.select(VisitorLink).where(
                VisitorLink.dealership_id == dealership_id,
                VisitorLink.visitor_id.in_(list(links)),
            )
        )
    }
    for visitor_id, customer_id in links.items():
        link = known.get(visitor_id)
        if link is None:
            uow.session.add(
                VisitorLink(
                    dealership_id=dealership_id,
                    visitor_id=visitor_id,
                    customer_id=customer_id,
                    linked_at=now,
                )
            )
        elif link.customer_id != customer_id:
            link.customer_id, link.linked_at = customer_id, now
    uow.flush()
    owner = (
        sa.select(VisitorLink.customer_id)
        .where(
            VisitorLink.dealership_id == dealership_id,
            VisitorLink.visitor_id == ShopperEvent.visitor_id,
        )
        .scalar_subquery()
    )
    statement = (
        sa.update(ShopperEvent)
        .where(
            ShopperEvent.dealership_id == dealership_id,
            ShopperEvent.visitor_id.in_(list(links)),
            ShopperEvent.customer_id.is_(None),
        )
        .values(customer_id=owner)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(uow.session.execute(statement), "rowcount", 0))


def claim_visitor_events(
    uow: UnitOfWork, *, dealership_id: int, visitor_id: str, customer_id: int
) -> int:
    """Give the visitor's anonymous events to the customer; events already attributed to
    someone keep their customer. Returns how many joined."""
    statement = (
        sa.update(ShopperEvent)
        .where(
            ShopperEvent.dealership_id == dealership_id,
            ShopperEvent.visitor_id == visitor_id,
            ShopperEvent.customer_id.is_(None),
        )
        .values(customer_id=customer_id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(uow.session.execute(statement), "rowcount", 0))


def count_events(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    customer_id: int | None = None,
    visitor_id: str | None = None,
    type: str | None = None,
    vehicle_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> int:
    """How many events of this customer (or visitor) match: by type, vehicle, `since` <= at
    < `until`. Exactly one of `customer_id` and `visitor_id` is given."""
    where = _person(dealership_id, customer_id, visitor_id, type, vehicle_id, since, until)
    query = sa.select(sa.func.count()).select_from(ShopperEvent).where(*where)
    return int(uow.session.scalar(query) or 0)


def list_events(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    customer_id: int | None = None,
    visitor_id: str | None = None,
    type: str | None = None,
    vehicle_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
) -> list[ShopperEventRecord]:
    """The latest `limit` matching events of this customer (or visitor), oldest first (over
    the limit, the oldest are the ones left out: the newest are what rules read)."""
    where = _person(dealership_id, customer_id, visitor_id, type, vehicle_id, since, until)
    query = (
        sa.select(ShopperEvent)
        .where(*where)
        .order_by(ShopperEvent.at.desc(), ShopperEvent.id.desc())
        .limit(limit)
    )
    rows = list(uow.session.scalars(query))
    return [from_row(ShopperEventRecord, row) for row in reversed(rows)]


def latest_events_of(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    customer_ids: Collection[int],
    since: datetime,
    limit_each: int = 500,
) -> dict[int, list[ShopperEventRecord]]:
    """`list_events` for many customers in one query: each customer's latest `limit_each`
    events at or after `since`, oldest first (a customer with none is absent).

    The cap is per customer (ROW_NUMBER() over each customer's events, newest first, on
    SQLite and PostgreSQL alike), so one runaway sender cannot crowd out the others; the
    database reads those customers' events in the window through their index."""
    if not customer_ids:
        return {}
    rank = (
        sa.func.row_number()
        .over(
            partition_by=ShopperEvent.customer_id,
            order_by=(ShopperEvent.at.desc(), ShopperEvent.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        sa.select(ShopperEvent, rank)
        .where(
            ShopperEvent.dealership_id == dealership_id,
            ShopperEvent.customer_id.in_(set(customer_ids)),
            ShopperEvent.at >= since,
        )
        .subquery()
    )
    event = aliased(ShopperEvent, ranked)
    query = (
        sa.select(event)
        .where(ranked.c.rank <= limit_each)
        .order_by(event.customer_id, event.at, event.id)
    )
    found: dict[int, list[ShopperEventRecord]] = {}
    for row in uow.session.scalars(query):
        if row.customer_id is not None:  # always: the IN list holds no null
            found.setdefault(row.customer_id, []).append(from_row(ShopperEventRecord, row))
    return found


def _person(
    dealership_id: int,
    customer_id: int | None,
    visitor_id: str | None,
    type_: str | None,
    vehicle_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> list[sa.ColumnElement[bool]]:
    if (customer_id is None) == (visitor_id is None):
        raise ValueError("give exactly one of customer_id and visitor_id")
    where = [ShopperEvent.dealership_id == dealership_id]
    if customer_id is not None:
        where.append(ShopperEvent.customer_id == customer_id)
    else:
        where.append(ShopperEvent.visitor_id == visitor_id)
    if type_ is not None:
        where.append(ShopperEvent.type == type_)
    if vehicle_id is not None:
        where.append(ShopperEvent.vehicle_id == vehicle_id)
    if since is not None:
        where.append(ShopperEvent.at >= since)
    if until is not None:
        where.append(ShopperEvent.at < until)
    return where


def _vehicle_ids(
    uow: UnitOfWork, dealership_id: int, events: Sequence[NewShopperEvent]
) -> dict[tuple[str, str | None], int]:
    """The dealership's vehicles these events name, keyed ("stock", S) and ("vin", V)."""
    stocks = {e.stock for e in events if e.stock}
    vins = {e.vin for e in events if e.vin}
    if not stocks and not vins:
        return {}
    query = sa.select(Vehicle.id, Vehicle.stock, Vehicle.vin).where(
        Vehicle.dealership_id == dealership_id,
        sa.or_(Vehicle.stock.in_(stocks), Vehicle.vin.in_(vins)),
    )
    found: dict[tuple[str, str | None], int] = {}
    for vehicle_id, stock, vin in uow.session.execute(query):
        found[("stock", stock)] = vehicle_id
        found[("vin", vin)] = vehicle_id
    return found
