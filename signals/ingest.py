"""Taking in a batch of shopper events: duplicates set aside, customers found (and new
leads made), the events stored, visitors tied to customers, the intent rules run on the
new events of known customers and their alerts written (`signals.evaluate`); all in the
caller's unit of work, so a batch and its alerts are stored whole or not at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crm_store import shopper_events
from crm_store.shopper_events import NewShopperEvent
from crm_store.uow import UnitOfWork
from signals.evaluate import alerts_for
from signals.events import ShopperEvent
from signals.form_consent import record_form_consents
from signals.identity import stitch


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int  # events stored now
    duplicates: int  # events whose event_id was stored before (or repeated in the batch)
    customers_linked: int  # distinct customers the accepted events belong to
    customers_created: int  # new leads made by form submissions
    joined: int  # earlier anonymous events that joined a customer now
    alerts: int = 0  # intent alerts the new events fired


def ingest(uow: UnitOfWork, *, dealership_id: int, events: Sequence[ShopperEvent]) -> IngestResult:
    """Store `events` for the dealership (see the module docstring)."""
    # set aside first: a duplicate makes no lead and links nobody
    fresh = shopper_events.not_stored(uow, dealership_id=dealership_id, events=events)
    stitched = stitch(uow, dealership_id=dealership_id, events=fresh)
    record_form_consents(uow, events=fresh, customer_ids=stitched.customer_ids)
    rows = [
        NewShopperEvent(
            type=e.type,
            at=e.at,
            event_id=e.event_id,
            sent_as=e.sent_as,
            visitor_id=e.visitor_id,
            customer_id=customer_id,
            stock=e.stock,
            vin=e.vin,
            properties=e.properties,
        )
        for e, customer_id in zip(fresh, stitched.customer_ids, strict=True)
    ]
    result = shopper_events.record_batch(uow, dealership_id=dealership_id, events=rows)
    joined = shopper_events.link_visitors(uow, dealership_id=dealership_id, links=stitched.links)
    # after the links: a visitor's earlier events (of this batch too) count as the customer's
    customers = {c for c in stitched.customer_ids if c is not None} | set(stitched.links.values())
    fired = alerts_for(
        uow, dealership_id=dealership_id, event_ids=result.ids, customer_ids=customers
    )
    return IngestResult(
        accepted=result.accepted,
        duplicates=len(events) - len(fresh) + result.duplicates,
        customers_linked=len({c for c in stitched.customer_ids if c is not None}),
        customers_created=stitched.created,
        joined=joined,
        alerts=len(fired),
    )
