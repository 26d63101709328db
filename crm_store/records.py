"""Plain, immutable records returned by the service functions (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from contracts.messages import Attachment
from crm_store.types import (
    AppointmentStatus,
    Author,
    Channel,
    Condition,
    Consent,
    ConversationMode,
    DeliveryStatus,
    Direction,
    HandoffStatus,
    Role,
    StaffStatus,
    VehicleStatus,
)

T = TypeVar("T")

Weekly = dict[int, tuple[time, time]]
"""Weekday (0 = Monday) -> (start, end) in dealership-local wall time."""


DEPARTMENTS = ("sales", "service", "parts", "finance")


@dataclass(frozen=True, slots=True)
class DepartmentRecord:
    """A department the dealership publishes (service, parts, finance; sales for its own line):
    its phone and e-mail, and its weekly hours (empty: not stated; sales hours are the
    dealership's `hours`)."""

    name: str
    phone: str | None = None
    email: str | None = None
    hours: Weekly = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DealershipRecord:
    id: int
    slug: str
    name: str
    timezone: str
    phone: str | None
    address: str | None
    test_drive_minutes: int
    hours: Weekly
    departments: tuple[DepartmentRecord, ...] = ()

    def department(self, name: str) -> DepartmentRecord | None:
        return next((d for d in self.departments if d.name == name), None)


@dataclass(frozen=True, slots=True)
class StaffRecord:
    id: int
    dealership_id: int
    handle: str
    name: str
    role: Role
    phone: str | None
    email: str | None
    status: StaffStatus
    status_changed_at: datetime
    shifts: Weekly
    active: bool


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    id: int
    dealership_id: int
    name: str | None
    phone: str | None
    email: str | None
    assigned_staff_id: int | None
    sms_consent: Consent
    sms_consent_at: datetime | None
    sms_consent_source: str | None
    created_at: datetime
    # phones and e-mails the shopper typed beyond the verified ones (never replacing them)
    extra_contacts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentChange:
    customer_id: int
    state: Consent
    source: str
    detail: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class ConversationRecord:
    id: int
    public_id: str
    dealership_id: int
    customer_id: int
    channel: Channel
    mode: ConversationMode
    created_at: datetime
    last_message_at: datetime | None


Media = Attachment
"""A photo or file that came with a message (the channel's URL and its MIME type)."""


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    conversation_id: int
    direction: Direction
    author: Author
    staff_id: int | None
    channel: Channel
    channel_message_id: str | None
    body: str
    media: tuple[Media, ...]
    delivery_status: DeliveryStatus
    error_code: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """The outcome of recording a message: `created` is False for a duplicate channel id."""

    message: MessageRecord
    created: bool


@dataclass(frozen=True, slots=True)
class VehicleSpecs:
    """The vehicle's optional spec sheet; None where the listing does not state it.
    `drivetrain` is one of AWD, 4WD, FWD, RWD; `towing` is the capacity in pounds."""

    engine: str | None = None
    drivetrain: str | None = None
    transmission: str | None = None
    fuel_economy: str | None = None
    seats: int | None = None
    towing: int | None = None

    def stated(self) -> dict[str, str | int]:
        """The fields the listing states, by name (for JSON and views)."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    id: int
    dealership_id: int
    stock: str
    vin: str
    year: int
    make: str
    model: str
    trim: str | None
    condition: Condition
    body: str | None
    color: str | None
    mileage: int
    price: Decimal
    status: VehicleStatus
    features: tuple[str, ...]
    specs: VehicleSpecs = VehicleSpecs()

    @property
    def title(self) -> str:
        return " ".join(str(p) for p in (self.year, self.make, self.model, self.trim) if p)


@dataclass(frozen=True, slots=True)
class AppointmentRecord:
    id: int
    dealership_id: int
    customer_id: int | None
    vehicle_id: int
    staff_id: int | None
    conversation_id: int | None
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    token: str
    sequence: int
    source: str


@dataclass(frozen=True, slots=True)
class ShowRate:
    """How the test drives starting in a period turned out (cancelled ones are not counted).

    `booked` = `showed` + `no_show` + `pending`; `pending` are still booked or confirmed
    (not marked yet).
    """

    booked: int
    showed: int
    no_show: int
    pending: int

    @property
    def rate(self) -> float | None:
        """showed / (showed + no_show); None while none of them has been marked."""
        marked = self.showed + self.no_show
        return self.showed / marked if marked else None


@dataclass(frozen=True, slots=True)
class HandoffRecord:
    id: int
    dealership_id: int
    conversation_id: int
    customer_id: int
    reasons: tuple[str, ...]
    trigger_message_id: int | None
    confidence: float
    note: str | None
    status: HandoffStatus
    assigned_staff_id: int | None
    summary: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    acked_at: datetime | None
    claimed_at: datetime | None
    resolved_at: datetime | None
    urgent: bool


@dataclass(frozen=True, slots=True)
class TimelineEventRecord:
    id: int
    dealership_id: int
    customer_id: int | None
    conversation_id: int | None
    staff_id: int | None
    kind: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class KnowledgeDocRecord:
    id: int
    dealership_id: int
    title: str
    text: str
    updated_at: datetime


def from_row(record: type[T], row: object, **overrides: Any) -> T:
    """Build `record` from the ORM row's attributes of the same names, plus `overrides`."""
    values = {f.name: getattr(row, f.name) for f in fields(record) if f.name not in overrides}  # type: ignore[arg-type]
    return record(**values, **overrides)
