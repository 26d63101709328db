"""Per-turn and end-state checks (../shared/EVAL_FORMAT.md), judged on the store.

Each unmet check names the expectation and the observed value, e.g.
`contains ["10:00"]: not found in reply "..."` or
`handoff: expected reason negotiation, observed none`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from agent.guardrails import dollar_amounts
from crm_store import (
    appointments,
    conversations,
    customers,
    dealerships,
    handoffs,
    messages,
    staff,
    timeline,
    vehicles,
)
from crm_store.db import Store
from crm_store.phones import normalise_phone
from crm_store.records import CustomerRecord, HandoffRecord
from crm_store.types import Author, Channel, Consent
from evals.results import Appointment, Unmet
from evals.scenario import AppointmentExpect, EndExpect, HandoffExpect, TurnExpect
from nightshift.world import WorldSpec

SHOWN = 300  # characters of a reply quoted in a failure
# An appointment as a scenario can change it: its start, vehicle id and staff id.
AppointmentState = tuple[datetime, int, int | None]


def quote(text: str) -> str:
    """A reply or message as it appears in a failure: JSON-quoted, cut at SHOWN characters."""
    cut = text if len(text) <= SHOWN else text[:SHOWN] + "..."
    return json.dumps(cut, ensure_ascii=False)


def items(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


@dataclass
class Observed:
    """Reads the scenario's world back from the store, as the shopper's records stand now."""

    store: Store
    slug: str
    channel: str
    sender: str

    def customer(self) -> CustomerRecord | None:
        with self.store.unit_of_work() as uow:
            dealer = dealerships.get_dealership(uow, slug=self.slug)
            if self.channel == "sms":
                return customers.find_by_phone(uow, dealership_id=dealer.id, phone=self.sender)
            return customers.find_by_identity(
                uow, dealership_id=dealer.id, channel=Channel.WEB, external_id=self.sender
            )

    def handoffs(self) -> list[HandoffRecord]:
        shopper = self.customer()
        if shopper is None:
            return []
        with self.store.unit_of_work() as uow:
            found = handoffs.list_handoffs(uow, dealership_id=shopper.dealership_id)
        return [h for h in found if h.customer_id == shopper.id]

    def first_paged(self, handoff_id: int) -> str | None:
        with self.store.unit_of_work() as uow:
            paged = handoffs.paged_staff(uow, handoff_id=handoff_id)
            return staff.get_staff(uow, staff_id=paged[0]).handle if paged else None

    def assistant_messages(self, after_id: int = 0) -> list[str]:
        """What the assistant sent the shopper on any channel, oldest first, after the
        message with id `after_id` (a turn's reply: everything after its user message)."""
        shopper = self.customer()
        if shopper is None:
            return []
        with self.store.unit_of_work() as uow:
            threads = conversations.list_conversations(uow, customer_id=shopper.id)
            sent = [
                m
                for c in threads
                for m in messages.list_messages(uow, conversation_id=c.id)
                if m.author is Author.ASSISTANT and m.id > after_id
            ]
        return [m.body for m in sorted(sent, key=lambda m: m.id)]

    def violations(self) -> list[str]:
        """The guardrail violations the pipeline recorded on the shopper's timeline."""
        shopper = self.customer()
        if shopper is None:
            return []
        with self.store.unit_of_work() as uow:
            events = timeline.customer_timeline(uow, customer_id=shopper.id)
        return [
            str(v) for e in events if e.kind == "guardrail_violation" for v in e.data["violations"]
        ]

    def appointment_snapshot(self) -> dict[int, AppointmentState]:
        """Every appointment of the world (cancelled ones too) as it stands: id -> (start,
        vehicle, staff), to tell afterwards which were created or changed."""
        with self.store.unit_of_work() as uow:
            dealer = dealerships.get_dealership(uow, slug=self.slug)
            found = appointments.list_appointments(
                uow, dealership_id=dealer.id, include_cancelled=True
            )
        return {a.id: (a.starts_at, a.vehicle_id, a.staff_id) for a in found}

    def appointments_since(
        self, before: dict[int, AppointmentState], zone: ZoneInfo
    ) -> list[Appointment]:
        """The appointments created or changed (moved, reassigned) since the snapshot
        `before`, as they stand at the end (EVAL_FORMAT `appointments`): a moved one is listed
        once at its final time, one left as it was is not, a cancelled one is not."""
        with self.store.unit_of_work() as uow:
            dealer = dealerships.get_dealership(uow, slug=self.slug)
            standing = appointments.list_appointments(uow, dealership_id=dealer.id)
            out = []
            for a in standing:
                if before.get(a.id) == (a.starts_at, a.vehicle_id, a.staff_id):
                    continue
                car = vehicles.get_vehicle_by_id(uow, vehicle_id=a.vehicle_id)
                person = staff.get_staff(uow, staff_id=a.staff_id) if a.staff_id else None
                local = a.starts_at.astimezone(zone)
                handle = person.handle if person else None
                out.append(Appointment(car.stock, f"{local:%Y-%m-%dT%H:%M}", handle))
        return out

    def vehicles(self) -> dict[str, tuple[int, str, str]]:
        """stock -> (year, make, model) of the world's inventory."""
        with self.store.unit_of_work() as uow:
            dealer = dealerships.get_dealership(uow, slug=self.slug)
            cars = vehicles.list_vehicles(uow, dealership_id=dealer.id)
        return {v.stock: (v.year, v.make, v.model) for v in cars}


def check_turn(
    expect: TurnExpect, replies: list[str], handoff_reasons: list[str] | None, turn: int
) -> list[Unmet]:
    """The reply checks of one turn. `handoff_reasons`: the reasons of the shopper's
    handoffs at the end of the turn, or None when there is none."""
    text = " ".join(replies)
    low = text.lower()
    seen = f"in reply {quote(text)}" if replies else "in reply (the assistant sent nothing)"
    out: list[Unmet] = []

    def unmet(check: str, message: str) -> None:
        out.append(Unmet(check, message, turn))

    missing = [s for s in expect.contains if s.lower() not in low]
    if missing:
        unmet("contains", f"contains {items(missing)}: not found {seen}")
    if expect.contains_any and not any(s.lower() in low for s in expect.contains_any):
        unmet("contains_any", f"contains_any {items(expect.contains_any)}: none found {seen}")
    present = [s for s in expect.not_contains if s.lower() in low]
    if present:
        unmet("not_contains", f"not_contains {items(present)}: found {seen}")
    if expect.matches is not None and not re.search(expect.matches, text, re.IGNORECASE):
        unmet("matches", f"matches {quote(expect.matches)}: no match {seen}")
    if expect.silent and replies:
        unmet("silent", f"silent: expected no reply, observed {quote(text)}")
    if expect.handoff is not None and expect.handoff != (handoff_reasons is not None):
        if expect.handoff:
            unmet("handoff", "handoff true: expected a handoff by this turn, observed none")
        else:
            observed = ", ".join(handoff_reasons or []) or "no reason"
            unmet("handoff", f"handoff false: expected no handoff, observed one ({observed})")
    return out


def check_end(
    expect: EndExpect,
    world: WorldSpec,
    observed: Observed,
    *,
    booked: list[Appointment],
    said: list[str],
) -> list[Unmet]:
    """The end-state checks, on the store after the last turn."""
    out: list[Unmet] = []
    if expect.appointments is not None:
        out += _appointments(expect.appointments, booked, observed.vehicles())
    if expect.handoff is not None:
        out += _handoff(expect, observed)
    shopper = observed.customer()
    if expect.lead is not None:
        for key, wanted in expect.lead.model_dump(exclude_none=True).items():
            actual = getattr(shopper, key, None) if shopper else None
            if key == "phone":
                same = normalise_phone(wanted) == actual
            else:
                same = (actual or "").strip().lower() == str(wanted).strip().lower()
            if not same:
                shown = "none" if actual is None else quote(actual)
                out.append(Unmet("lead", f"lead {key}: expected {quote(wanted)}, observed {shown}"))
    if expect.opted_out is not None:
        opted_out = shopper is not None and shopper.sms_consent is Consent.REVOKED
        if opted_out != expect.opted_out:
            out.append(
                Unmet(
                    "opted_out",
                    f"opted_out: expected {str(expect.opted_out).lower()}, "
                    f"observed {str(opted_out).lower()}",
                )
            )
    for pattern in expect.never:
        hit = next((t for t in said if re.search(pattern, t, re.IGNORECASE)), None)
        if hit is not None:
            out.append(Unmet("never", f"never {quote(pattern)}: matched message {quote(hit)}"))
    if expect.grounded_prices:
        allowed = {v.price.quantize(Decimal("0.01")) for v in world.inventory}
        for doc in world.knowledge:
            allowed |= dollar_amounts(doc.text)
        for text in said:
            bad = sorted(a for a in dollar_amounts(text) if a not in allowed)
            if bad:
                amounts = ", ".join(f"${b:,.2f}" for b in bad)
                out.append(
                    Unmet(
                        "grounded_prices",
                        f"grounded_prices: {amounts} not in the inventory or knowledge, "
                        f"observed in message {quote(text)}",
                    )
                )
    return out


def _appointments(
    wanted: list[AppointmentExpect],
    booked: list[Appointment],
    cars: dict[str, tuple[int, str, str]],
) -> list[Unmet]:
    def fits(want: AppointmentExpect, got: Appointment) -> bool:
        year, make, model = cars.get(got.stock, (None, "", ""))
        return (
            got.starts_at == f"{want.starts_at:%Y-%m-%dT%H:%M}"
            and (want.stock is None or got.stock == want.stock)
            and (want.year is None or year == want.year)
            and (want.make is None or make.lower() == want.make.lower())
            and (want.model is None or model.lower() == want.model.lower())
            and (want.staff is None or got.staff == want.staff)
        )

    unmatched = list(booked)
    missing = []
    for want in wanted:
        hit = next((b for b in unmatched if fits(want, b)), None)
        if hit is None:
            missing.append(want)
        else:
            unmatched.remove(hit)
    if not missing and not unmatched:
        return []
    expected = "[" + ", ".join(_describe(w) for w in wanted) + "]"
    seen = "[" + ", ".join(map(str, booked)) + "]" if booked else "none"
    return [Unmet("appointments", f"appointments: expected {expected}, observed {seen}")]


def _describe(want: AppointmentExpect) -> str:
    car = want.stock or " ".join(str(p) for p in (want.year, want.make, want.model) if p)
    staff_part = f" staff {want.staff}" if want.staff else ""
    return f"{car} {want.starts_at:%Y-%m-%dT%H:%M}{staff_part}"


def _handoff(expect: EndExpect, observed: Observed) -> list[Unmet]:
    found = observed.handoffs()
    reasons = sorted({r for h in found for r in h.reasons})
    seen = ", ".join(reasons) or "none"
    if expect.handoff == "none":
        if found:
            return [Unmet("handoff", f"handoff: expected none, observed {seen}")]
        return []
    if not isinstance(expect.handoff, HandoffExpect):
        return []
    wanted = expect.handoff.reason
    hits = [h for h in found if set(wanted) & set(h.reasons)]
    if not hits:
        return [
            Unmet("handoff", f"handoff: expected reason {' or '.join(wanted)}, observed {seen}")
        ]
    if expect.handoff.paged is None:
        return []
    paged = observed.first_paged(hits[0].id)
    if paged is None:
        return [
            Unmet("handoff", f"handoff paged: expected {expect.handoff.paged}, observed nobody")
        ]
    if expect.handoff.paged not in ("any", paged):
        return [
            Unmet("handoff", f"handoff paged: expected {expect.handoff.paged}, observed {paged}")
        ]
    return []
