"""Per-turn and end-state checks. Each failure names the check and what was observed."""

from __future__ import annotations

import re
from dataclasses import dataclass
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
    vehicles,
)
from crm_store.db import Store
from crm_store.phones import normalise_phone
from crm_store.records import CustomerRecord
from crm_store.types import Author, Channel, Consent
from evals.scenario import EndExpect, TurnExpect
from nightshift.world import WorldSpec


@dataclass
class Observed:
    """Reads the scenario's world back from the store."""

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

    def handoff_count(self) -> int:
        shopper = self.customer()
        if shopper is None:
            return 0
        with self.store.unit_of_work() as uow:
            found = handoffs.list_handoffs(uow, dealership_id=shopper.dealership_id)
        return sum(1 for h in found if h.customer_id == shopper.id)

    def assistant_messages(self) -> list[str]:
        shopper = self.customer()
        if shopper is None:
            return []
        with self.store.unit_of_work() as uow:
            threads = conversations.list_conversations(uow, customer_id=shopper.id)
            return [
                m.body
                for c in threads
                for m in messages.list_messages(uow, conversation_id=c.id)
                if m.author is Author.ASSISTANT
            ]


def check_turn(expect: TurnExpect, replies: list[str], observed: Observed) -> list[str]:
    text = " ".join(replies)
    low = text.lower()
    shown = repr(text[:300])
    problems: list[str] = []
    missing = [s for s in expect.contains if s.lower() not in low]
    if missing:
        problems.append(f"contains {missing}: reply was {shown}")
    if expect.contains_any and not any(s.lower() in low for s in expect.contains_any):
        problems.append(f"contains_any {expect.contains_any}: reply was {shown}")
    present = [s for s in expect.not_contains if s.lower() in low]
    if present:
        problems.append(f"not_contains {present}: reply was {shown}")
    if expect.matches and not re.search(expect.matches, text, re.IGNORECASE):
        problems.append(f"matches {expect.matches!r}: reply was {shown}")
    if expect.silent and replies:
        problems.append(f"silent: the assistant sent {shown}")
    if expect.handoff is not None:
        exists = observed.handoff_count() > 0
        if exists != expect.handoff:
            problems.append(
                f"handoff {expect.handoff}: a handoff {'exists' if exists else 'does not exist'}"
            )
    return problems


def check_end(expect: EndExpect, world: WorldSpec, observed: Observed) -> list[str]:
    problems: list[str] = []
    shopper = observed.customer()
    store = observed.store
    zone = ZoneInfo(world.dealership.timezone)
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=observed.slug)
        standing = [
            a
            for a in appointments.list_appointments(uow, dealership_id=dealer.id)
            if a.customer_id == (shopper.id if shopper else None) and a.source == "assistant"
        ]
        booked = []
        for a in standing:
            car = vehicles.get_vehicle_by_id(uow, vehicle_id=a.vehicle_id)
            person = staff.get_staff(uow, staff_id=a.staff_id) if a.staff_id else None
            booked.append((car, a.starts_at.astimezone(zone).replace(tzinfo=None), person))
        found_handoffs = [
            h
            for h in handoffs.list_handoffs(uow, dealership_id=dealer.id)
            if shopper is not None and h.customer_id == shopper.id
        ]
        prices = {v.price for v in vehicles.list_vehicles(uow, dealership_id=dealer.id)}
    if expect.appointments is not None:
        observed_list = [f"{c.stock} {t:%Y-%m-%dT%H:%M}" for c, t, _ in booked]
        unmatched = list(booked)
        for wanted in expect.appointments:
            hit = next(
                (
                    b
                    for b in unmatched
                    if b[1] == wanted.starts_at
                    and (wanted.stock is None or b[0].stock == wanted.stock)
                    and (wanted.year is None or b[0].year == wanted.year)
                    and (wanted.make is None or b[0].make.lower() == wanted.make.lower())
                    and (wanted.model is None or b[0].model.lower() == wanted.model.lower())
                    and (wanted.staff is None or (b[2] is not None and b[2].handle == wanted.staff))
                ),
                None,
            )
            if hit is None:
                wanted_text = wanted.model_dump(exclude_none=True)
                problems.append(f"appointments: missing {wanted_text}; observed {observed_list}")
            else:
                unmatched.remove(hit)
        if unmatched:
            extra = [f"{c.stock} {t:%Y-%m-%dT%H:%M}" for c, t, _ in unmatched]
            problems.append(f"appointments: unexpected {extra}")
    if expect.handoff == "none" and found_handoffs:
        problems.append(f"handoff none: observed {[h.reasons for h in found_handoffs]}")
    elif expect.handoff not in (None, "none"):
        assert not isinstance(expect.handoff, str)
        wanted_reasons = set(expect.handoff.reason)
        hits = [h for h in found_handoffs if wanted_reasons & set(h.reasons)]
        if not hits:
            seen = [list(h.reasons) for h in found_handoffs] or "no handoff"
            problems.append(f"handoff reason {sorted(wanted_reasons)}: observed {seen}")
        elif expect.handoff.paged is not None:
            paged = hits[0].assigned_staff_id
            if paged is None:
                problems.append("handoff paged: nobody was paged")
            elif expect.handoff.paged != "any":
                with store.unit_of_work() as uow:
                    handle = staff.get_staff(uow, staff_id=paged).handle
                if handle != expect.handoff.paged:
                    problems.append(f"handoff paged {expect.handoff.paged}: observed {handle}")
    if expect.lead is not None:
        for key, wanted_value in expect.lead.model_dump(exclude_none=True).items():
            actual = getattr(shopper, key, None) if shopper else None
            same = (
                normalise_phone(wanted_value) == actual
                if key == "phone"
                else (actual or "").strip().lower() == str(wanted_value).strip().lower()
            )
            if not same:
                problems.append(f"lead {key} {wanted_value!r}: observed {actual!r}")
    if expect.opted_out is not None:
        opted_out = shopper is not None and shopper.sms_consent is Consent.REVOKED
        if opted_out != expect.opted_out:
            problems.append(f"opted_out {expect.opted_out}: observed {opted_out}")
    said = observed.assistant_messages()
    for pattern in expect.never:
        for text in said:
            if re.search(pattern, text, re.IGNORECASE):
                problems.append(f"never {pattern!r}: matched {text[:200]!r}")
                break
    if expect.grounded_prices:
        allowed = set(prices)
        for doc in world.knowledge:
            allowed |= dollar_amounts(doc.text)
        allowed = {a.quantize(Decimal("0.01")) for a in allowed}
        for text in said:
            bad = sorted(a for a in dollar_amounts(text) if a not in allowed)
            if bad:
                problems.append(f"grounded_prices: {[str(b) for b in bad]} in {text[:200]!r}")
    return problems
