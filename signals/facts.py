"""The small typed facts the intent rules read, and the `Firing` they return.

The caller (which reads the store) builds them; the rules never touch a database, so each
one is tested on an advancing clock with plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from crm_store.records import VehicleRecord
from crm_store.shopper_events import ShopperEventRecord


@dataclass(frozen=True, slots=True)
class Seen:
    """One shopper event of a customer, as the rules need it. `id` is the stored event's id
    (None before it is stored): it tells the new event apart from the same one in history."""

    type: str
    at: datetime
    vehicle_id: int | None = None
    stock: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None

    @classmethod
    def of(cls, record: ShopperEventRecord) -> Seen:
        return cls(
            type=record.type,
            at=record.at,
            vehicle_id=record.vehicle_id,
            stock=record.stock,
            properties=record.properties,
            id=record.id,
        )


@dataclass(frozen=True, slots=True)
class VehicleLabel:
    """How a salesperson names a car: "2026 Outback Wilderness (S6012)"."""

    id: int
    stock: str
    year: int
    model: str
    trim: str | None = None

    @classmethod
    def of(cls, record: VehicleRecord) -> VehicleLabel:
        return cls(record.id, record.stock, record.year, record.model, record.trim)

    def __str__(self) -> str:
        name = " ".join(str(p) for p in (self.year, self.model, self.trim) if p)
        return f"{name} ({self.stock})"


@dataclass(frozen=True, slots=True)
class Asked:
    """The customer asked about a vehicle in a conversation (`channel`: "sms", "web", ...)."""

    vehicle_id: int
    channel: str
    at: datetime


@dataclass(frozen=True, slots=True)
class LastMessage:
    """The newest message (either way) of the customer's conversations."""

    at: datetime
    channel: str


@dataclass(frozen=True, slots=True)
class Flagged:
    """A vehicle of the customer's that raises a flag the dealership alerts on in service,
    in words: "2021 Honda CR-V EX, 41,200 mi" and each of its flags ("about $4,200 equity
    (18%) by book value table", "lease ends in 3 months (Mar 1, 2027)")."""

    vehicle: str
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shopper:
    """What is known of one customer when one of their events arrives.

    `events`: their stored events reaching at least `SignalsConfig.lookback` back (the new
    event may be among them; later ones are ignored). `vehicles`: labels of the vehicles
    those events name. `has_equity_flag`: whether a vehicle they own raises a flag the
    dealership alerts on in service (`LifecycleConfig.service_alert_flags`), those vehicles
    in `flagged`; None when not looked at (only customers with a new `service_visit` are).
    `name`: the customer's, when known.
    """

    customer_id: int
    events: Sequence[Seen] = ()
    vehicles: Mapping[int, VehicleLabel] = field(default_factory=dict)
    asked: Sequence[Asked] = ()
    last_message: LastMessage | None = None
    has_equity_flag: bool | None = None
    flagged: Sequence[Flagged] = ()
    name: str | None = None


@dataclass(frozen=True, slots=True)
class PriceChange:
    vehicle: VehicleLabel
    old: Decimal
    new: Decimal


@dataclass(frozen=True, slots=True)
class Interest:
    """One customer's interest in the vehicle whose price changed: their events naming it
    (views, price watches) and their questions about it."""

    customer_id: int
    events: Sequence[Seen] = ()
    asked: Sequence[Asked] = ()


@dataclass(frozen=True, slots=True)
class Firing:
    """A rule that fired: what, for whom, why in words, and the key alerts are deduped by."""

    rule: str  # one of `signals.config.RULES`
    customer_id: int
    vehicle_id: int | None
    reason: str
    at: datetime
    urgent: bool = False

    @property
    def dedupe_key(self) -> str:
        return f"{self.rule}:{self.customer_id}:{self.vehicle_id or '-'}"
