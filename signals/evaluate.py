"""The event rules run on the events a batch stored, in the batch's unit of work (so the
events and their alerts commit together or not at all).

For the customers the batch's new events belong to, read together (four queries whatever
their number): their events reaching `max_event_age + lookback` back (what
`signals.rules.evaluate` may look at for an event young enough to count; through the
customer index, capped per customer), the vehicles they asked about, the labels of the
vehicles named, their last conversation message; and, for those with a new `service_visit`,
two more: the vehicles they own with their finance, and the dealership's book-value table,
from which their equity and lifecycle flags are computed (`signals.lifecycle`, on today's
date in the dealership's time zone); then each customer's new events in time
order (4 views in one batch: the 4th fires), the firings deduped against their recent
alerts and written (`signals.alerting.write`). The cost is those customers' events in the
window, never all events.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from crm_store import conversations, ownership, shopper_events, vehicle_interest, vehicles
from crm_store.alerts import AlertRecord
from crm_store.uow import UnitOfWork
from signals import alerting
from signals.alerting import Rules
from signals.facts import Asked, Firing, Flagged, LastMessage, Seen, Shopper, VehicleLabel
from signals.lifecycle import assess, describe
from signals.rules import SERVICE_VISIT, evaluate
from signals.valuation import BookTableValuation

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
    firings: list[Firing] = []
    labels: dict[int, VehicleLabel] = {}
    for shopper, arrived in _shoppers(uow, rules, dealership_id, customer_ids, set(event_ids), now):
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


def _shoppers(
    uow: UnitOfWork,
    rules: Rules,
    dealership_id: int,
    customer_ids: Collection[int],
    new: Collection[int],
    now: datetime,
) -> list[tuple[Shopper, list[Seen]]]:
    """What is known of each customer with new events young enough to count, and those
    events (in time order, then stored order); customer by customer id order. Four queries
    whatever the number of customers: their events in the window, the vehicles they asked
    about, the vehicles named, their last conversation message."""
    config = rules.config
    history = shopper_events.latest_events_of(
        uow,
        dealership_id=dealership_id,
        customer_ids=customer_ids,
        since=now - config.max_event_age - config.lookback,
        limit_each=HISTORY_LIMIT,
    )
    seen: dict[int, list[Seen]] = {}
    arrived: dict[int, list[Seen]] = {}
    for customer_id in sorted(customer_ids):
        seen[customer_id] = [Seen.of(r) for r in history.get(customer_id, [])]
        fresh = [e for e in seen[customer_id] if e.id in new and now - e.at <= config.max_event_age]
        if fresh:
            arrived[customer_id] = fresh
    asked = {
        customer_id: [Asked(a.vehicle_id, a.channel, a.last_at) for a in found]
        for customer_id, found in vehicle_interest.asked_since(uow, customer_ids=arrived).items()
    }
    named = {e.vehicle_id for c in arrived for e in seen[c] if e.vehicle_id is not None}
    named |= {a.vehicle_id for found in asked.values() for a in found}
    cars = {
        car.id: VehicleLabel.of(car) for car in vehicles.vehicles_by_ids(uow, vehicle_ids=named)
    }
    talked = conversations.last_talked(uow, customer_ids=arrived)
    in_service = [c for c, fresh in arrived.items() if any(e.type == SERVICE_VISIT for e in fresh)]
    flagged = _flagged(uow, rules, dealership_id, in_service, now)
    shoppers: list[tuple[Shopper, list[Seen]]] = []
    for customer_id, fresh in arrived.items():
        mine = asked.get(customer_id, [])
        ids = {e.vehicle_id for e in seen[customer_id]} | {a.vehicle_id for a in mine}
        last = talked.get(customer_id)
        name, owned = flagged.get(customer_id, (None, None))
        shopper = Shopper(
            customer_id=customer_id,
            events=tuple(seen[customer_id]),
            vehicles={i: cars[i] for i in ids if i is not None and i in cars},
            asked=tuple(mine),
            last_message=None if last is None else LastMessage(at=last[0], channel=last[1].value),
            has_equity_flag=None if owned is None else bool(owned),
            flagged=owned or (),
            name=name,
        )
        shoppers.append((shopper, fresh))
    return shoppers


def _flagged(
    uow: UnitOfWork,
    rules: Rules,
    dealership_id: int,
    customer_ids: Collection[int],
    now: datetime,
) -> dict[int, tuple[str | None, tuple[Flagged, ...]]]:
    """Each customer's name and the vehicles they own that raise a flag the dealership
    alerts on in service (`LifecycleConfig.service_alert_flags`), in words; two queries
    whatever the number of customers, none without any."""
    if not customer_ids:
        return {}
    config = rules.config.lifecycle
    owned = ownership.ownerships_of(uow, dealership_id=dealership_id, customer_ids=customer_ids)
    table = ownership.list_book_values(uow, dealership_id=dealership_id) if owned else []
    valuation = BookTableValuation(table, depreciation_per_year=config.depreciation_per_year)
    today = now.astimezone(rules.zone).date()
    found: dict[int, tuple[str | None, tuple[Flagged, ...]]] = {}
    for customer_id in customer_ids:
        cars = owned.get(customer_id, [])
        flagged = []
        for car in cars:
            valued = valuation.value(car.vehicle, today=today)
            result = assess(car.vehicle, valued=valued, today=today, config=config)
            if any(f.kind in config.service_alert_flags for f in result.flags):
                flagged.append(Flagged(describe(car.vehicle), tuple(f.words for f in result.flags)))
        found[customer_id] = (cars[0].customer_name if cars else None, tuple(flagged))
    return found
