"""The event rules run on the events a batch stored, in the batch's unit of work (so the
events and their alerts commit together or not at all).

For each customer the batch's new events belong to: one indexed read of their events
reaching `max_event_age + lookback` back (what `signals.rules.evaluate` may look at for an
event young enough to count), the labels of the vehicles named, the vehicles they asked
about, their last conversation message; then each new event in time order (4 views in one
batch: the 4th fires), the firings deduped against their recent alerts and written
(`signals.alerting.write`). The cost is that customer's events in the window, never all
events.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from crm_store import conversations, shopper_events, vehicle_interest, vehicles
from crm_store.alerts import AlertRecord
from crm_store.uow import UnitOfWork
from signals import alerting
from signals.alerting import Rules
from signals.facts import Asked, Firing, LastMessage, Seen, Shopper, VehicleLabel
from signals.rules import evaluate

# A customer's events read at once: far beyond any shopper (the repeat-view rule needs a
# handful), a bound on a runaway sender.
HISTORY_LIMIT = 20_000


def alerts_for(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    event_ids: Collection[int],
    customer_ids: Collection[int],
) -> list[AlertRecord]:
    """Run the rules on the stored events `event_ids` of these customers; write the alerts."""
    if not event_ids or not customer_ids:
        return []
    rules = alerting.load(uow, dealership_id=dealership_id)
    now = uow.now()
    new = set(event_ids)
    firings: list[Firing] = []
    labels: dict[int, VehicleLabel] = {}
    for customer_id in sorted(customer_ids):
        shopper, arrived = _shopper(uow, rules, dealership_id, customer_id, new, now)
        labels.update(shopper.vehicles)
        for event in arrived:
            firings += evaluate(event, shopper, config=rules.config, now=now, zone=rules.zone)
    return alerting.write(
        uow,
        dealership_id=dealership_id,
        firings=firings,
        config=rules.config,
        labels=labels,
        now=now,
    )


def _shopper(
    uow: UnitOfWork,
    rules: Rules,
    dealership_id: int,
    customer_id: int,
    new: Collection[int],
    now: datetime,
) -> tuple[Shopper, list[Seen]]:
    """What is known of the customer, and their new events young enough to count (in time
    order, then stored order)."""
    config = rules.config
    records = shopper_events.list_events(
        uow,
        dealership_id=dealership_id,
        customer_id=customer_id,
        since=now - config.max_event_age - config.lookback,
        limit=HISTORY_LIMIT,
    )
    seen = [Seen.of(r) for r in records]
    arrived = [e for e in seen if e.id in new and now - e.at <= config.max_event_age]
    if not arrived:
        return Shopper(customer_id=customer_id), []
    asked = [
        Asked(a.vehicle_id, a.channel, a.last_at)
        for a in vehicle_interest.asked_by(uow, customer_id=customer_id)
    ]
    named = {e.vehicle_id for e in seen if e.vehicle_id is not None}
    cars = vehicles.vehicles_by_ids(uow, vehicle_ids=named | {a.vehicle_id for a in asked})
    shopper = Shopper(
        customer_id=customer_id,
        events=tuple(seen),
        vehicles={car.id: VehicleLabel.of(car) for car in cars},
        asked=tuple(asked),
        last_message=_last_message(uow, customer_id),
    )
    return shopper, arrived


def _last_message(uow: UnitOfWork, customer_id: int) -> LastMessage | None:
    talked: Sequence[tuple[datetime, str]] = [
        (c.last_message_at, c.channel.value)
        for c in conversations.list_conversations(uow, customer_id=customer_id)
        if c.last_message_at is not None
    ]
    if not talked:
        return None
    at, channel = max(talked)
    return LastMessage(at=at, channel=channel)
