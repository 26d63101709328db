"""The shopper event contract: what a dealer's website (or its service department, or an
import) sends to `POST /api/events`, one JSON object or a list of up to 500.

    {"type": "vdp_view", "at": "2026-05-12T21:04:00-06:00", "event_id": "e-1",
     "visitor_id": "v-123", "customer": {"phone": "+17205550100", "email": "a@b.co"},
     "vehicle": {"stock": "S6012"}, "properties": {"page": "/used/S6012"}}

- `type` (required): ours are `KNOWN_TYPES`; any other name (letters, digits, `_`) is
  stored as sent and ignored by the rules. Names are lower-cased.
- `at` (required): when it happened, ISO 8601 with its UTC offset; a naive time, or one
  more than `FUTURE_SKEW` ahead of the server clock, is refused.
- `event_id`: the sender's idempotency key (1-100 characters): an event whose id the
  dealership already has is a duplicate, reported and not stored again.
- `visitor_id`: the browser's id, the web chat widget's session id (1-100 of `A-Z a-z 0-9 _
  -`), so chat and browsing are one visitor.
- `customer`: `phone` (any common form, stored E.164) and/or `email`.
- `vehicle`: `stock` and/or `vin` (17 characters, no I, O or Q).
- `properties`: any JSON object up to `MAX_PROPERTIES_BYTES` bytes.
- `dealership`: optional; when given it must be the slug of the API token's dealership.

A `service_visit` (from the service department's system, or `nightshift import
service-visits`) is a customer in the service lane: `at` is when they came in, or when the
appointment was announced with `properties.appointment_at` (ISO 8601 with its offset) the
time it is for. The service-to-sales alert (`signals.rules.service_equity`) fires when the
event arrives for a visit today in the dealership's time zone (an appointment next week
fires nothing, and does not fire later on its day: send the event again that morning), and
not for an event older than `max_event_age_hours`. Optional `properties`: `ro_number`,
`mileage`, `advisor`.

A `form_submission` whose form had a ticked "you may text me" box sends
`properties.sms_consent: true` (a boolean) with `customer.phone`: the shopper's consent to
texts, recorded from the form's `at` (`signals.form_consent`); outreach needs it.

ASC names. The Automotive Standards Council's GA4 event standard (`asc_*` names, sent by
most dealer website platforms) is accepted as is; where one of ours means the same, the ASC
name maps onto it and is kept in `sent_as`:

    asc_item_pageview                      -> vdp_view
    asc_form_submission (and its _sales,
      _service and _parts variants)        -> form_submission
    asc_retail_process, flow_name "trade"  -> trade_in_calculator
    asc_retail_process, flow_name "payment"-> payment_calculator
    asc_comm_engagement, comm_type "chat"  -> chat_started

An ASC event without a `vehicle` takes it from the ASC item parameters in `properties`
(`item_number`: the stock number, `item_id`: the VIN). Other ASC names (`asc_pageview`,
`asc_cta_interaction`, ...) are stored under their own name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from crm_store.errors import InvalidValue
from crm_store.phones import normalise_phone

KNOWN_TYPES = frozenset(
    {
        "vdp_view",
        "srp_search",
        "price_watch",
        "trade_in_calculator",
        "payment_calculator",
        "form_submission",
        "chat_started",
        "service_visit",
    }
)
FORM_SUBMISSION = "form_submission"
ASC_ALIASES: Mapping[str, str] = {
    "asc_item_pageview": "vdp_view",
    "asc_form_submission": FORM_SUBMISSION,
    "asc_form_submission_sales": FORM_SUBMISSION,
    "asc_form_submission_service": FORM_SUBMISSION,
    "asc_form_submission_parts": FORM_SUBMISSION,
}
ASC_RETAIL_FLOWS = (("trade", "trade_in_calculator"), ("payment", "payment_calculator"))
MAX_BATCH = 500
MAX_PROPERTIES_BYTES = 4096
MAX_PROBLEMS = 20  # a batch's 422 names at most this many fields
FUTURE_SKEW = timedelta(minutes=5)
VISITOR_PATTERN = r"^[A-Za-z0-9_-]{1,100}$"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
FUTURE_MESSAGE = (
    f"more than {int(FUTURE_SKEW.total_seconds() // 60)} minutes ahead of the server clock; "
    "expected a time that has happened"
)
AT_EXPECTED = "an ISO 8601 time with its UTC offset, such as 2026-05-12T21:04:00-06:00"


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"expected {AT_EXPECTED}")
    return value


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str | None = Field(default=None, min_length=1, max_length=40)
    email: str | None = Field(default=None, min_length=3, max_length=254)

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalise_phone(value)
        except InvalidValue:
            raise ValueError("not a phone number; expected one such as +17205550100") from None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError("not an e-mail address; expected one such as name@example.com")
        return value


class VehicleRef(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stock: str | None = Field(default=None, min_length=1, max_length=40)
    vin: str | None = Field(default=None, min_length=17, max_length=17)

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str | None:
        if value is not None and not VIN.match(value.upper()):
            raise ValueError("not a VIN; expected 17 letters and digits without I, O or Q")
        return None if value is None else value.upper()

    @model_validator(mode="after")
    def _one_of(self) -> VehicleRef:
        if self.stock is None and self.vin is None:
            raise ValueError("expected a stock number (stock), a VIN (vin) or both")
        return self


class ShopperEventIn(BaseModel):
    """One event as sent (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    at: Annotated[AwareDatetime, BeforeValidator(_iso_text)]
    event_id: str | None = Field(default=None, min_length=1, max_length=100)
    visitor_id: str | None = Field(default=None, pattern=VISITOR_PATTERN)
    customer: Contact | None = None
    vehicle: VehicleRef | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    dealership: str | None = Field(default=None, min_length=1, max_length=80)

    @field_validator("properties")
    @classmethod
    def _bounded(cls, value: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_PROPERTIES_BYTES:
            raise ValueError(f"{size} bytes; expected at most {MAX_PROPERTIES_BYTES} as JSON")
        if "sms_consent" in value and not isinstance(value["sms_consent"], bool):
            raise ValueError(f"sms_consent: {value['sms_consent']!r}; expected true or false")
        return value


_ONE = TypeAdapter(ShopperEventIn)


@dataclass(frozen=True, slots=True)
class ShopperEvent:
    """A valid event in our terms: the type mapped from an ASC name, contacts normalised."""

    type: str
    at: datetime
    sent_as: str | None = None
    event_id: str | None = None
    visitor_id: str | None = None
    phone: str | None = None
    email: str | None = None
    stock: str | None = None
    vin: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    dealership: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    loc: tuple[str | int, ...]  # (3, "customer", "phone"); () is the body itself
    msg: str

    @property
    def path(self) -> str:
        """`[3].customer.phone`, `at`, or `body`."""
        text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.loc)
        return text.lstrip(".") or "body"


class EventsRejected(ValueError):
    """A request with bad events: nothing of it is stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.path}: {p.msg}" for p in problems))
        self.problems = problems


def parse_batch(document: Any, *, now: datetime) -> list[ShopperEvent]:
    """The events of a request body (one object or a list of 1-`MAX_BATCH`), or
    `EventsRejected` naming every bad field (up to `MAX_PROBLEMS`) by its path."""
    if isinstance(document, dict):
        items, prefix = [document], False
    elif isinstance(document, list):
        items, prefix = document, True
    else:
        raise EventsRejected([Problem((), "expected an event (a JSON object) or a list of them")])
    if not 1 <= len(items) <= MAX_BATCH:
        raise EventsRejected(
            [Problem((), f"{len(items)} events; expected 1 to {MAX_BATCH} in one request")]
        )
    problems: list[Problem] = []
    events: list[ShopperEvent] = []
    for index, item in enumerate(items):
        where: tuple[str | int, ...] = (index,) if prefix else ()
        try:
            event = _ONE.validate_python(item)
        except ValidationError as exc:
            problems.extend(Problem((*where, *e["loc"]), _message(e["msg"])) for e in exc.errors())
            continue
        if event.at > now + FUTURE_SKEW:
            problems.append(Problem((*where, "at"), FUTURE_MESSAGE))
            continue
        events.append(_ours(event))
    if problems:
        raise EventsRejected(problems[:MAX_PROBLEMS])
    return events


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def _ours(event: ShopperEventIn) -> ShopperEvent:
    """The event in our terms: an ASC name mapped where one of ours fits."""
    sent = event.type.lower()
    ours = _mapped(sent, event.properties)
    vehicle = event.vehicle
    stock, vin = (vehicle.stock, vehicle.vin) if vehicle else _asc_item(sent, event.properties)
    return ShopperEvent(
        type=ours,
        at=event.at,
        sent_as=sent if ours != sent else None,
        event_id=event.event_id,
        visitor_id=event.visitor_id,
        phone=event.customer.phone if event.customer else None,
        email=event.customer.email if event.customer else None,
        stock=stock,
        vin=vin,
        properties=event.properties,
        dealership=event.dealership,
    )


def _mapped(sent: str, properties: Mapping[str, Any]) -> str:
    if sent in ASC_ALIASES:
        return ASC_ALIASES[sent]
    if sent == "asc_retail_process":
        flow = str(properties.get("flow_name", "")).lower()
        return next((ours for word, ours in ASC_RETAIL_FLOWS if word in flow), sent)
    if sent == "asc_comm_engagement" and str(properties.get("comm_type", "")).lower() == "chat":
        return "chat_started"
    return sent


def _asc_item(sent: str, properties: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """Stock and VIN from the ASC item parameters of an ASC event without `vehicle`."""
    if not sent.startswith("asc_"):
        return None, None
    stock = properties.get("item_number")
    vin = properties.get("item_id")
    stock = stock.strip()[:40] or None if isinstance(stock, str) else None
    vin = vin.strip().upper() if isinstance(vin, str) else None
    return stock, vin if vin and VIN.match(vin) else None
