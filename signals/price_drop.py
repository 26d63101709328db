"""The price-drop rule: when an inventory update lowers a vehicle's price, one firing for
each customer who viewed it, watched its price (`price_watch`) or asked about it in a
conversation within the last `lookback_days` (both ends inclusive), and none when the drop
is under `min_drop` dollars or the price went up or stayed.

    "Price of the 2026 Outback Wilderness (S6012) dropped $1,500 to $38,995;
     watching its price since May 3; viewed 3 times, last on May 10;
     asked about it by text on May 9"
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from signals.config import SignalsConfig
from signals.facts import Firing, Interest, PriceChange
from signals.rules import PRICE_WATCH, VDP_VIEW, asked_note
from signals.words import day, money, times


def price_drop(
    change: PriceChange,
    interested: Sequence[Interest],
    *,
    config: SignalsConfig,
    now: datetime,
    zone: ZoneInfo,
) -> list[Firing]:
    rule = config.price_drop
    drop = change.old - change.new
    if not rule.enabled or drop <= 0 or drop < rule.min_drop:
        return []
    vehicle = change.vehicle
    since = now - rule.lookback
    headline = f"Price of the {vehicle} dropped {money(drop)} to {money(change.new)}"
    firings: list[Firing] = []
    for person in interested:
        mine = [e for e in person.events if e.vehicle_id == vehicle.id and since <= e.at <= now]
        views = sorted(e.at for e in mine if e.type == VDP_VIEW)
        watches = sorted(e.at for e in mine if e.type == PRICE_WATCH)
        recent_asks = [a for a in person.asked if a.at >= since]
        asked = asked_note(recent_asks, vehicle.id, now=now, zone=zone)
        parts = [headline]
        if watches:
            parts.append(f"watching its price since {day(watches[0], zone, now)}")
        if views:
            last = "on" if len(views) == 1 else "last on"
            parts.append(f"viewed {times(len(views))}, {last} {day(views[-1], zone, now)}")
        if asked:
            parts.append(asked)
        if len(parts) > 1:
            reason = "; ".join(parts)
            firings.append(
                Firing("price_drop", person.customer_id, vehicle.id, reason, now, rule.urgent)
            )
    return firings
