"""A vehicle's price changed (a world file loaded again, or `PATCH /api/inventory/{stock}`):
when it went down, the price-drop rule runs for the customers who viewed it, watched its
price or asked about it within the rule's lookback, and its firings are written as alerts
(deduped), in the caller's unit of work. A rise, an unchanged price or a sold vehicle
writes nothing."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from crm_store import vehicle_interest
from crm_store.alerts import AlertRecord
from crm_store.records import VehicleRecord
from crm_store.types import VehicleStatus
from crm_store.uow import UnitOfWork
from signals import alerting
from signals.facts import Asked, Interest, PriceChange, Seen, VehicleLabel
from signals.price_drop import price_drop
from signals.rules import PRICE_WATCH, VDP_VIEW


def price_changed(uow: UnitOfWork, *, vehicle: VehicleRecord, old: Decimal) -> list[AlertRecord]:
    """The alerts of `vehicle`'s price going from `old` to its price now."""
    if vehicle.price >= old or vehicle.status is VehicleStatus.SOLD:
        return []
    rules = alerting.load(uow, dealership_id=vehicle.dealership_id)
    now = uow.now()
    found = vehicle_interest.interested_in(
        uow,
        vehicle_id=vehicle.id,
        types=(VDP_VIEW, PRICE_WATCH),
        since=now - rules.config.price_drop.lookback,
    )
    events: defaultdict[int, list[Seen]] = defaultdict(list)
    for record in found.events:
        if record.customer_id is not None:
            events[record.customer_id].append(Seen.of(record))
    asked: defaultdict[int, list[Asked]] = defaultdict(list)
    for question in found.asked:
        asked[question.customer_id].append(
            Asked(question.vehicle_id, question.channel, question.last_at)
        )
    interested = [
        Interest(customer_id, events=tuple(events[customer_id]), asked=tuple(asked[customer_id]))
        for customer_id in sorted(events.keys() | asked.keys())
    ]
    label = VehicleLabel.of(vehicle)
    firings = price_drop(
        PriceChange(label, old, vehicle.price),
        interested,
        config=rules.config,
        now=now,
        zone=rules.zone,
    )
    return alerting.write(
        uow,
        dealership_id=vehicle.dealership_id,
        firings=firings,
        config=rules.config,
        labels={vehicle.id: label},
        now=now,
    )
