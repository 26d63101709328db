"""A shopper's events arriving on an advancing clock, fed through the intent rules the way
the ingest will: store the event, evaluate it against the customer's history, dedupe against
the alerts already written, write an alert for each firing left."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from signals.config import SignalsConfig
from signals.facts import Asked, Firing, Flagged, LastMessage, Seen, Shopper, VehicleLabel
from signals.rules import deduped, evaluate

ZONE = ZoneInfo("America/Denver")
START = datetime(2026, 5, 12, 15, 0, tzinfo=UTC)  # 09:00 in Denver
CUSTOMER = 7
OUTBACK = VehicleLabel(id=11, stock="S6012", year=2026, model="Outback", trim="Wilderness")
FORESTER = VehicleLabel(id=12, stock="F2201", year=2025, model="Forester")


@dataclass
class Feed:
    config: SignalsConfig = field(default_factory=SignalsConfig)
    clock: FrozenClock = field(default_factory=lambda: FrozenClock(START))
    events: list[Seen] = field(default_factory=list)
    alerts: dict[str, datetime] = field(default_factory=dict)
    fired: list[Firing] = field(default_factory=list)
    asked: list[Asked] = field(default_factory=list)
    last_message: LastMessage | None = None
    equity: bool | None = None
    flagged: tuple[Flagged, ...] = ()
    name: str | None = None

    def send(
        self,
        type: str = "vdp_view",
        vehicle: VehicleLabel | None = OUTBACK,
        *,
        after: timedelta = timedelta(0),
        late: timedelta = timedelta(0),
        **properties: Any,
    ) -> list[Firing]:
        """Advance the clock by `after`, then an event that happened `late` before now
        arrives; returns the alerts it writes."""
        now = self.clock.advance(after)
        event = Seen(
            type=type,
            at=now - late,
            vehicle_id=vehicle.id if vehicle else None,
            stock=vehicle.stock if vehicle else None,
            properties=properties,
            id=len(self.events) + 1,
        )
        self.events.append(event)
        firings = deduped(
            evaluate(event, self.shopper(), config=self.config, now=now, zone=ZONE),
            self.alerts,
            self.config,
        )
        for firing in firings:
            self.alerts[firing.dedupe_key] = firing.at
        self.fired += firings
        return firings

    def shopper(self) -> Shopper:
        return Shopper(
            customer_id=CUSTOMER,
            events=tuple(self.events),
            vehicles={OUTBACK.id: OUTBACK, FORESTER.id: FORESTER},
            asked=tuple(self.asked),
            last_message=self.last_message,
            has_equity_flag=self.equity,
            flagged=self.flagged,
            name=self.name,
        )

    def views(self, *gaps: timedelta, vehicle: VehicleLabel | None = OUTBACK) -> list[list[Firing]]:
        """One view after each gap; the alerts each wrote."""
        return [self.send(vehicle=vehicle, after=gap) for gap in gaps]


def hours(h: float, minutes: int = 0) -> timedelta:
    return timedelta(hours=h, minutes=minutes)
