"""The intent rules over one arriving event: pure functions of the event, what is known of
its customer (`facts.Shopper`), the dealership's `SignalsConfig`, the clock's `now` and the
dealership's time zone. They say what fired and why in words; they do not route or store.

- `repeat_views`: a `vdp_view` of an inventory vehicle with at least `count` views of that
  vehicle (this one included) in the `within_hours` before it, both ends inclusive: a view
  exactly 48 h earlier counts, one 48 h 1 min earlier does not. It fires at the count-th
  view and at each later one while the views go on; `deduped` keeps one alert per window.
- `trade_in_finished`: a `trade_in_calculator` event whose properties say it finished:
  `"completed": true`, or `step` (ours) or `flow_outcome` (ASC) of "completed", "complete",
  "finished" or "end". Other steps of the calculator are ignored.
- `return_visit`: the first site event (`SITE_TYPES`) after the customer's conversation went
  quiet (no message for `quiet_hours`), within `within_days` of going quiet; one per
  customer (no vehicle in its key) whatever the pages seen.
- `service_equity`: a `service_visit` for a visit today by a customer whose equity flag is
  set (True; None, unknown, is not set; which flags count: `LifecycleConfig`). The visit's
  time is `properties.appointment_at` (ISO 8601 with its offset) when given, else the
  event's `at`; it fires when that time falls on today's date in the dealership's time
  zone (an appointment next week, or a visit yesterday, does not). An `appointment_at`
  that is not such a time fires nothing: its day is unknown. The reason names the
  customer, the time and each flagged vehicle with its flags: "Jane Ortiz is in service at
  10:00; 2021 Honda CR-V EX, 41,200 mi; about $4,200 equity (18%) by book value table;
  lease ends in 3 months (Mar 1, 2027)". No vehicle in its key: one per customer per
  `dedupe_hours`.
- `price_drop` (an inventory change, not an event) is in `signals.price_drop`.

Events are ordered by time, then by stored id: of two events at the same instant, the one
stored first is the earlier. `evaluate` runs them all and ignores events of other types and
events older than `max_event_age_hours` when they arrive (an import of history is not
intent). `deduped` drops a firing whose key fired, or was alerted, within `dedupe_hours`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from signals.config import SignalsConfig
from signals.facts import Asked, Firing, Seen, Shopper
from signals.words import ago, by_channel, clock, day, ordinal, span

VDP_VIEW = "vdp_view"
PRICE_WATCH = "price_watch"
TRADE_IN = "trade_in_calculator"
SERVICE_VISIT = "service_visit"
SITE_TYPES = frozenset(
    {VDP_VIEW, "srp_search", PRICE_WATCH, TRADE_IN, "payment_calculator", "form_submission"}
)
FINISHED = frozenset({"completed", "complete", "finished", "end"})


def evaluate(
    event: Seen, shopper: Shopper, *, config: SignalsConfig, now: datetime, zone: ZoneInfo
) -> list[Firing]:
    """Every firing of the event rules for `event` (not yet deduped)."""
    if now - event.at > config.max_event_age:
        return []
    rules = (repeat_views, trade_in_finished, return_visit, service_equity)
    return [f for rule in rules for f in rule(event, shopper, config, now=now, zone=zone)]


def repeat_views(
    event: Seen, shopper: Shopper, config: SignalsConfig, *, now: datetime, zone: ZoneInfo
) -> list[Firing]:
    rule = config.repeat_views
    if not rule.enabled or event.type != VDP_VIEW or event.vehicle_id is None:
        return []
    since = event.at - rule.window
    views = [
        e.at
        for e in _before(event, shopper.events)
        if e.type == VDP_VIEW and e.vehicle_id == event.vehicle_id and e.at >= since
    ]
    views.append(event.at)
    if len(views) < rule.count:
        return []
    label = _label(shopper, event)
    reason = (
        f"{ordinal(len(views))} view of the {label} in {span(event.at - min(views))}, "
        f"last {ago(event.at, now)}"
    )
    return [_firing("repeat_views", shopper, event.vehicle_id, reason, now, rule.urgent, zone)]


def trade_in_finished(
    event: Seen, shopper: Shopper, config: SignalsConfig, *, now: datetime, zone: ZoneInfo
) -> list[Firing]:
    rule = config.trade_in_finished
    if not rule.enabled or event.type != TRADE_IN or not finished(event.properties):
        return []
    reason = f"Finished the trade-in calculator {ago(event.at, now)}"
    if event.vehicle_id is not None:
        reason += f", looking at the {_label(shopper, event)}"
    return [_firing("trade_in_finished", shopper, event.vehicle_id, reason, now, rule.urgent, zone)]


def return_visit(
    event: Seen, shopper: Shopper, config: SignalsConfig, *, now: datetime, zone: ZoneInfo
) -> list[Firing]:
    rule = config.return_visit
    last = shopper.last_message
    if not rule.enabled or event.type not in SITE_TYPES or last is None or last.at > event.at:
        return []
    quiet_at = last.at + rule.quiet
    if event.at < quiet_at or event.at - quiet_at > rule.within:
        return []
    if any(e.type in SITE_TYPES and e.at >= quiet_at for e in _before(event, shopper.events)):
        return []  # not the first return since the conversation went quiet
    reason = (
        f"Back on the site {ago(event.at, now)}, {_doing(event, shopper)}; "
        f"last message {by_channel(last.channel)} {span(event.at - last.at)} before, "
        f"on {day(last.at, zone, now)}"
    )
    return [_firing("return_visit", shopper, None, reason, now, rule.urgent, zone)]


def service_equity(
    event: Seen, shopper: Shopper, config: SignalsConfig, *, now: datetime, zone: ZoneInfo
) -> list[Firing]:
    rule = config.service_equity
    if not rule.enabled or event.type != SERVICE_VISIT or shopper.has_equity_flag is not True:
        return []
    visit = visit_at(event)
    if visit is None or visit.astimezone(zone).date() != now.astimezone(zone).date():
        return []
    doing = "has a service appointment" if visit > now else "is in service"
    words = [f"{shopper.name or 'A customer with an equity flag'} {doing} at {clock(visit, zone)}"]
    words += [w for car in shopper.flagged for w in (car.vehicle, *car.flags)]
    return [_firing("service_equity", shopper, None, "; ".join(words), now, rule.urgent, zone)]


def visit_at(event: Seen) -> datetime | None:
    """When a service visit is: `properties.appointment_at` when given, else the event's
    `at`; None when `appointment_at` is not an ISO 8601 time with its offset."""
    given = event.properties.get("appointment_at")
    if given is None:
        return event.at
    try:
        at = datetime.fromisoformat(given) if isinstance(given, str) else None
    except ValueError:
        return None
    return at if at is not None and at.tzinfo is not None else None


def deduped(
    firings: Iterable[Firing], recent: Mapping[str, datetime], config: SignalsConfig
) -> list[Firing]:
    """The firings to alert on: not one whose `dedupe_key` was alerted (`recent`: key -> time
    of its newest alert) or fired earlier in `firings` less than `dedupe_hours` before; one
    exactly `dedupe_hours` later fires again. In time order."""
    last = dict(recent)
    kept: list[Firing] = []
    for firing in sorted(firings, key=lambda f: f.at):
        before = last.get(firing.dedupe_key)
        if before is not None and firing.at - before < config.dedupe_window:
            continue
        kept.append(firing)
        last[firing.dedupe_key] = firing.at
    return kept


def finished(properties: Mapping[str, Any]) -> bool:
    """Whether a trade-in calculator event says the shopper finished it."""
    if properties.get("completed") is True:
        return True
    return any(str(properties.get(key, "")).lower() in FINISHED for key in ("step", "flow_outcome"))


def asked_note(
    asked: Sequence[Asked], vehicle_id: int, *, now: datetime, zone: ZoneInfo
) -> str | None:
    """ "asked about it by text on May 10": the newest question about the vehicle, if any."""
    about = [a for a in asked if a.vehicle_id == vehicle_id]
    if not about:
        return None
    newest = max(about, key=lambda a: a.at)
    return f"asked about it {by_channel(newest.channel)} on {day(newest.at, zone, now)}"


def _before(event: Seen, events: Iterable[Seen]) -> list[Seen]:
    """The events strictly earlier than `event` (by time, then stored id)."""

    def earlier(other: Seen) -> bool:
        if other is event or other.at > event.at:
            return False
        if other.at < event.at:
            return True
        return other.id is not None and event.id is not None and other.id < event.id

    return [e for e in events if earlier(e)]


def _label(shopper: Shopper, event: Seen) -> str:
    known = shopper.vehicles.get(event.vehicle_id) if event.vehicle_id is not None else None
    return str(known) if known else f"vehicle {event.stock or f'#{event.vehicle_id}'}"


def _doing(event: Seen, shopper: Shopper) -> str:
    car = f"the {_label(shopper, event)}" if event.vehicle_id is not None else None
    if event.type == VDP_VIEW:
        return f"viewing {car or 'a vehicle'}"
    if event.type == PRICE_WATCH:
        return f"watching the price of {car}" if car else "watching a price"
    words = {
        TRADE_IN: "on the trade-in calculator",
        "payment_calculator": "on the payment calculator",
        "form_submission": "sending a form",
    }
    return words.get(event.type, "searching the inventory")


def _firing(
    rule: str,
    shopper: Shopper,
    vehicle_id: int | None,
    reason: str,
    now: datetime,
    urgent: bool,
    zone: ZoneInfo,
) -> Firing:
    note = asked_note(shopper.asked, vehicle_id, now=now, zone=zone) if vehicle_id else None
    text = f"{reason}; {note}" if note else reason
    return Firing(rule, shopper.customer_id, vehicle_id, text, now, urgent)
