"""How each thing on a customer's timeline reads: one `Entry` per message, note, alert,
handoff, appointment step, consent change or service visit, and one per run of shopper
events collapsed ("viewed 2026 Outback Wilderness (S6012) x4, May 10 20:01-21:40").

An entry carries what a person reads (`title`, `meta`, and `text`: the words of a message or
note, shown in the console and printed by the CLI, never logged) and `fields`, the same facts
as JSON values for `nightshift timeline --json`. Times are the dealership's local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crm_store.customer_timeline import (
    AlertRow,
    EventRow,
    HandoffRow,
    MessageRow,
    NoteRow,
    StepRow,
    VehicleName,
)
from handoff.pagers import reason_label

SERVICE_VISIT = "service_visit"
CHANNELS = {"sms": "SMS", "web": "web chat"}
DOING = {
    "vdp_view": "viewed",
    "price_watch": "watched the price of",
    "srp_search": "searched the inventory",
    "trade_in_calculator": "used the trade-in calculator",
    "payment_calculator": "used the payment calculator",
    "form_submission": "sent a form",
    "chat_started": "started a chat",
}
APPOINTMENT_WORDS = {
    "appointment_booked": "Test drive booked",
    "appointment_rescheduled": "Test drive moved",
    "appointment_cancelled": "Test drive cancelled",
    "appointment_confirmed": "Test drive confirmed",
    "appointment_showed": "Showed for the test drive",
    "appointment_no_show": "No show for the test drive",
}
SHOWN_PROPERTIES = 6  # of a service visit's properties, the first ones
LONGEST_VALUE = 80


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime  # local; of a collapsed run, its latest event
    kind: str  # message, note, activity, service_visit, alert, handoff, appointment, consent
    title: str
    meta: str = ""  # who, status, channel: the small line above the title
    text: str | None = None  # a message's or note's words
    conversation: str | None = None  # the public id of the conversation it belongs to
    fields: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind, "title": self.title, **self.fields}


def vehicle_words(vehicle: VehicleName | None, stock: str | None) -> str | None:
    """ "2026 Outback Wilderness (S6012)"; the stock as sent when no vehicle has it."""
    if vehicle is None:
        return f"vehicle {stock}" if stock else None
    name = " ".join(str(p) for p in (vehicle.year, vehicle.model, vehicle.trim) if p)
    return f"{name} ({vehicle.stock})"


def message(row: MessageRow, zone: ZoneInfo) -> Entry:
    who = row.staff_name if row.author == "staff" and row.staff_name else row.author
    channel = CHANNELS.get(row.channel, row.channel)
    return Entry(
        row.at.astimezone(zone),
        "message",
        f"{who[:1].upper()}{who[1:]} ({channel})",
        meta=row.direction,
        text=row.body,
        conversation=row.conversation,
        fields={
            "conversation": row.conversation,
            "channel": row.channel,
            "direction": row.direction,
            "author": row.author,
            "staff": row.staff_name,
            "text": row.body,
        },
    )


def note(row: NoteRow, zone: ZoneInfo) -> Entry:
    author = row.author_name or "former staff"
    return Entry(
        row.at.astimezone(zone),
        "note",
        f"Note by {author}",
        meta="staff only",
        text=row.body,
        conversation=row.conversation,
        fields={"conversation": row.conversation, "author": row.author_name, "text": row.body},
    )


def activity(run: list[EventRow], zone: ZoneInfo) -> Entry:
    """A run of one type of shopper event on one vehicle within a local day, newest first."""
    last, first = run[0], run[-1]
    car = vehicle_words(last.vehicle, last.stock)
    doing = DOING.get(last.type, last.type.replace("_", " "))
    title = f"{doing} {car}" if car and last.type in ("vdp_view", "price_watch") else doing
    start, end = first.at.astimezone(zone), last.at.astimezone(zone)
    if len(run) > 1:
        title += f" x{len(run)}, {start:%b} {start.day} {start:%H:%M}-{end:%H:%M}"
    return Entry(
        end,
        "activity",
        title,
        meta="website",
        fields={
            "type": last.type,
            "vehicle": car,
            "stock": last.vehicle.stock if last.vehicle else last.stock,
            "count": len(run),
            "first": start.isoformat(),
            "last": end.isoformat(),
        },
    )


def service_visit(row: EventRow, zone: ZoneInfo) -> Entry:
    car = vehicle_words(row.vehicle, row.stock)
    shown = [
        f"{key.replace('_', ' ')}: {_short(value)}"
        for key, value in row.properties.items()
        if isinstance(value, str | int | float) and not isinstance(value, bool)
    ][:SHOWN_PROPERTIES]
    title = "Service visit" + (f", {car}" if car else "")
    return Entry(
        row.at.astimezone(zone),
        SERVICE_VISIT,
        title + (f": {'; '.join(shown)}" if shown else ""),
        meta="service",
        fields={"vehicle": car, "properties": dict(row.properties)},
    )


def alert(row: AlertRow, zone: ZoneInfo) -> Entry:
    status = row.status + (f", {row.staff_name}" if row.staff_name else "")
    return Entry(
        row.at.astimezone(zone),
        "alert",
        f"Alert: {row.reason}",
        meta=("urgent · " if row.urgent else "") + status,
        fields={
            "id": row.id,
            "rule": row.rule,
            "reason": row.reason,
            "status": row.status,
            "staff": row.staff_name,
            "urgent": row.urgent,
        },
    )


def handoff(row: HandoffRow, zone: ZoneInfo) -> Entry:
    reasons = ", ".join(reason_label(r) for r in row.reasons) or "needs a person"
    return Entry(
        row.at.astimezone(zone),
        "handoff",
        f"Handed to a person: {reasons}",
        meta=row.status + (f", {row.staff_name}" if row.staff_name else ""),
        conversation=row.conversation,
        fields={
            "id": row.id,
            "conversation": row.conversation,
            "reasons": list(row.reasons),
            "status": row.status,
            "staff": row.staff_name,
            "note": row.note,
        },
    )


def step(row: StepRow, zone: ZoneInfo) -> Entry:
    """An appointment's booking, move or outcome, or a consent change."""
    at = row.at.astimezone(zone)
    if row.kind == "consent_changed":
        state, source = str(row.data.get("state", "")), str(row.data.get("source", ""))
        return Entry(
            at,
            "consent",
            f"SMS consent {state}" + (f" ({source})" if source else ""),
            fields={"state": state, "source": source},
        )
    booked = row.appointment
    starts = _when(row.data.get("starts_at"), booked.starts_at if booked else None, zone)
    car = vehicle_words(booked.vehicle, None) if booked else None
    words = APPOINTMENT_WORDS.get(row.kind, row.kind.replace("_", " "))
    detail = ", ".join(p for p in (car, f"{starts:%a %b} {starts.day} {starts:%H:%M}") if p)
    salesperson = booked.staff_name if booked else None
    return Entry(
        at,
        "appointment",
        f"{words}: {detail}",
        meta=" · ".join(
            p
            for p in (
                f"with {salesperson}" if salesperson else "",
                f"now {booked.status.replace('_', ' ')}" if booked else "",
            )
            if p
        ),
        fields={
            "id": booked.id if booked else row.data.get("appointment_id"),
            "event": row.kind.removeprefix("appointment_"),
            "vehicle": car,
            "starts_at": starts.isoformat(),
            "status": booked.status if booked else None,
            "staff": salesperson,
            "by": row.staff_name,
        },
    )


def _when(stored: Any, fallback: datetime | None, zone: ZoneInfo) -> datetime:
    try:
        return datetime.fromisoformat(str(stored)).astimezone(zone)
    except ValueError:
        if fallback is None:
            raise
        return fallback.astimezone(zone)


def _short(value: str | int | float) -> str:
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"
