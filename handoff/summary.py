"""The structured handoff summary: everything a salesperson needs to pick up where the
assistant left off, built by code from the conversation's state and the store (so it is right
with the offline engine too). It is written into the handoff row and the customer's timeline,
shown on the handoff page, and exported as an ADF lead (`handoff.adf`).

`build_summary` is pure: the caller (nightshift) reads the records and passes them in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
    HandoffRecord,
    StaffRecord,
    VehicleRecord,
)
from crm_store.uow import UnitOfWork


class ShopperFacts(TypedDict, total=False):
    """What the shopper said about paying, from the dialogue state or their messages (None:
    not said)."""

    budget: float | str | None  # the most they want to pay, or how they put it ("up to $30,000")
    trade_in: str | None
    financing: str | None


class VehicleInterest(TypedDict):
    stock: str
    vin: str
    year: int
    make: str
    model: str
    trim: str | None
    condition: str  # new | used | certified
    color: str | None
    mileage: int
    price: str  # asking price in dollars, e.g. "23995.00"
    status: str  # available | pending | sold


class AppointmentInfo(TypedDict):
    id: int
    starts_at: str  # dealership-local ISO time, e.g. "2026-03-07T10:00"
    stock: str
    status: str
    staff: str | None


class Contact(TypedDict):
    name: str | None
    phone: str | None
    email: str | None
    other_contacts: list[str]  # typed by the shopper beyond the verified phone / e-mail


class DealerInfo(TypedDict):
    name: str
    phone: str | None
    address: str | None
    timezone: str


class LeadReason(TypedDict):
    code: str  # test_drive_booked, vdp_view, financing, ... (`signals.score.Weights` names)
    words: str  # "4 views of S6012 this week"
    points: int


class LeadScore(TypedDict):
    """The customer's lead score when the summary was built (`signals.score`)."""

    value: int  # 0..100
    text: str  # "72: booked test drive (+30), 4 views of S6012 this week (+18), ..."
    reasons: list[LeadReason]  # most points first


LeadScorer = Callable[[UnitOfWork, HandoffRecord, ShopperFacts], LeadScore]
"""The lead score of the handoff's customer, given what the conversation established (the
flow receives it from `nightshift.runtime`, which wires `signals` in)."""


class Summary(TypedDict):
    """The summary as stored (JSON) in `handoffs.summary` and the timeline event."""

    handoff_id: int
    created_at: str  # UTC ISO 8601
    dealership: DealerInfo
    customer: Contact
    channel: str  # sms | web
    reasons: list[str]  # HANDOFF_REASONS values, most important first
    confidence: float
    vehicles: list[VehicleInterest]  # vehicle of interest first, then others shown
    appointment: AppointmentInfo | None
    budget: str | None
    trade_in: str | None
    financing: str | None
    last_question: str  # the shopper's last message, verbatim
    sentiment: str  # negative | neutral | positive
    next_step: str
    transcript_url: str
    lead_score: LeadScore | None  # None: no scorer wired (summaries stored before it: absent)


NEXT_STEPS = {
    "complaint": "Call the customer now, listen, and own the problem; loop in the manager.",
    "purchase_intent": "Call now to take the deposit and set a time to sign.",
    "human_requested": "Reply or call as soon as possible; the customer asked for a person.",
    "negotiation": "Call with pricing; the assistant made no price commitment.",
    "financing": "Have finance reach out about credit, rates and payments.",
    "trade_in": "Arrange a trade-in appraisal; ask for photos, mileage and VIN.",
    "unanswered": "Answer the customer's question; the assistant could not.",
    "other": "Read the transcript and reply to the customer.",
}


def build_summary(
    *,
    handoff_id: int,
    created_at: datetime,
    dealership: DealershipRecord,
    customer: CustomerRecord,
    channel: str,
    reasons: Sequence[str],
    confidence: float,
    facts: ShopperFacts,
    vehicles: Sequence[VehicleRecord],
    appointment: AppointmentRecord | None,
    appointment_vehicle: VehicleRecord | None,
    appointment_staff: StaffRecord | None,
    last_question: str,
    sentiment: str,
    transcript_url: str,
    lead_score: LeadScore | None = None,
) -> Summary:
    """`vehicles` in order of interest (the vehicle of interest first)."""
    zone = ZoneInfo(dealership.timezone)
    booked: AppointmentInfo | None = None
    if appointment is not None and appointment_vehicle is not None:
        booked = AppointmentInfo(
            id=appointment.id,
            starts_at=appointment.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
            stock=appointment_vehicle.stock,
            status=appointment.status.value,
            staff=appointment_staff.name if appointment_staff else None,
        )
    first = reasons[0] if reasons else "other"
    return Summary(
        handoff_id=handoff_id,
        created_at=created_at.isoformat(),
        dealership=DealerInfo(
            name=dealership.name,
            phone=dealership.phone,
            address=dealership.address,
            timezone=dealership.timezone,
        ),
        customer=Contact(
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            other_contacts=list(customer.extra_contacts),
        ),
        channel=channel,
        reasons=list(reasons) or ["other"],
        confidence=round(confidence, 2),
        vehicles=[_interest(v) for v in _unique(vehicles)],
        appointment=booked,
        budget=_text(facts.get("budget"), money=True),
        trade_in=_text(facts.get("trade_in")),
        financing=_text(facts.get("financing")),
        last_question=last_question,
        sentiment=sentiment,
        next_step=NEXT_STEPS.get(first, NEXT_STEPS["other"]),
        transcript_url=transcript_url,
        lead_score=lead_score,
    )


def _interest(vehicle: VehicleRecord) -> VehicleInterest:
    return VehicleInterest(
        stock=vehicle.stock,
        vin=vehicle.vin,
        year=vehicle.year,
        make=vehicle.make,
        model=vehicle.model,
        trim=vehicle.trim,
        condition=vehicle.condition.value,
        color=vehicle.color,
        mileage=vehicle.mileage,
        price=f"{vehicle.price:.2f}",
        status=vehicle.status.value,
    )


def _unique(vehicles: Sequence[VehicleRecord]) -> list[VehicleRecord]:
    seen: set[str] = set()
    out = []
    for vehicle in vehicles:
        if vehicle.stock not in seen:
            seen.add(vehicle.stock)
            out.append(vehicle)
    return out


def _text(value: object, *, money: bool = False) -> str | None:
    if value in (None, "", [], {}):
        return None
    if money and isinstance(value, int | float):
        return f"up to ${value:,.0f}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)
