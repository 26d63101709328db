"""Canned replies in the console: keep them (dealership-wide ones by managers, personal
ones by their owner) and render one for a conversation, with its fields filled in.

Fields: `{first_name}` (the shopper's), `{vehicle}` (the vehicle under discussion: the
handoff summary's first vehicle, else the dialogue state's vehicle of interest, else the
car of the shopper's next test drive), `{salesperson}` (the acting staff member's first
name) and `{dealership}`. A value nobody knows renders as a plain word ("Hi there"), never
as "None" or as the field itself. `{{` and `}}` write literal braces. A body naming any
other field is refused when saved and when rendered (`InvalidValue` naming the field and
listing the known ones). The rendered text is what goes into the reply box: the staff
member edits it and sends it through the usual reply (which checks it like any staff
message).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

from console.inbox import audit_action, conversation_of
from contracts.dialogue import Slots
from crm_store import appointments, canned, customers, dealerships, handoffs, vehicles
from crm_store.canned import CannedReplyRecord
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.records import ConversationRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Role
from crm_store.uow import UnitOfWork

# each field, and what it renders as when its value is not known
FALLBACKS: dict[str, str] = {
    "first_name": "there",
    "vehicle": "car",
    "salesperson": "our team",
    "dealership": "our dealership",
}
KNOWN = ", ".join("{" + name + "}" for name in FALLBACKS)


class NotAllowed(Exception):
    """The acting staff member may not do this (403): only managers keep the dealership-wide
    replies."""


def fields_in(body: str) -> list[str]:
    """The fields `body` names, in order; `InvalidValue` on `body` for an unknown field, a
    format spec or an unpaired brace."""
    try:
        parts = list(string.Formatter().parse(body))
    except ValueError:
        raise InvalidValue("body", "an unpaired { or }", "{{ and }} for literal braces") from None
    found: list[str] = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FALLBACKS or spec or conversion:
            conv = f"!{conversion}" if conversion else ""
            fmt = f":{spec}" if spec else ""
            raise InvalidValue("body", f"{{{name}{conv}{fmt}}}", f"only the fields {KNOWN}")
        found.append(name)
    return found


def fill(body: str, values: Mapping[str, str | None]) -> str:
    """`body` with its fields replaced by `values` (a missing or empty value by its
    fallback); `InvalidValue` as `fields_in`."""
    fields_in(body)
    out: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(body):
        out.append(literal)
        if name is not None:
            out.append((values.get(name) or "").strip() or FALLBACKS[name])
    return "".join(out)


class CannedReplies:
    def __init__(self, store: Store, slots_of: Callable[[int], Slots] | None = None) -> None:
        """`slots_of` reads a conversation's dialogue state (the runtime's, as for the
        handoff summary); without it `{vehicle}` comes from the store only."""
        self.store = store
        self.slots_of = slots_of

    def create(
        self, acting: SessionRecord, *, title: str, body: str, shared: bool = False
    ) -> CannedReplyRecord:
        """A personal reply, or with `shared` a dealership-wide one (managers only:
        `NotAllowed`). `InvalidValue` on `title` or `body` (see `crm_store.canned`,
        `fields_in`)."""
        if shared and acting.role is not Role.MANAGER:
            raise NotAllowed("only a manager may add a dealership-wide canned reply")
        fields_in(body)
        with self.store.unit_of_work() as uow:
            reply = canned.create(
                uow,
                dealership_id=acting.dealership_id,
                owner_staff_id=None if shared else acting.staff_id,
                title=title,
                body=body,
            )
            audit_action(uow, acting, "canned_reply_created", f"canned:{reply.id}", {})
            return reply

    def list(self, acting: SessionRecord) -> list[CannedReplyRecord]:
        """The dealership-wide replies and the acting staff member's own, by title."""
        with self.store.reading() as uow:
            return canned.list_for(
                uow, dealership_id=acting.dealership_id, staff_id=acting.staff_id
            )

    def delete(self, acting: SessionRecord, reply_id: int) -> None:
        """Delete one's own reply, or as a manager a dealership-wide one (`NotAllowed` for
        others); someone else's personal reply is `NotFound`, like a missing one."""
        with self.store.unit_of_work() as uow:
            reply = _visible(uow, acting, reply_id)
            if reply.owner_staff_id is None and acting.role is not Role.MANAGER:
                raise NotAllowed("only a manager may delete a dealership-wide canned reply")
            canned.delete(uow, reply_id=reply.id)
            audit_action(uow, acting, "canned_reply_deleted", f"canned:{reply.id}", {})

    def render(self, acting: SessionRecord, reply_id: int, public_id: str) -> str:
        """The reply's text for the conversation `public_id`, fields filled in."""
        with self.store.reading() as uow:
            reply = _visible(uow, acting, reply_id)
            convo = conversation_of(uow, acting, public_id)
            return fill(reply.body, self._values(uow, acting, convo))

    def _values(
        self, uow: UnitOfWork, acting: SessionRecord, convo: ConversationRecord
    ) -> dict[str, str | None]:
        slots: Slots = self.slots_of(convo.id) if self.slots_of else {}
        shopper = customers.get_customer(uow, customer_id=convo.customer_id)
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=convo.dealership_id)
        return {
            "first_name": _first(shopper.name or slots.get("name")),
            "vehicle": _vehicle(uow, convo, slots),
            "salesperson": _first(acting.staff_name),
            "dealership": dealer.name,
        }


def _visible(uow: UnitOfWork, acting: SessionRecord, reply_id: int) -> CannedReplyRecord:
    """A reply the acting staff member may see: their dealership's shared ones, their own."""
    reply = canned.get(uow, reply_id=reply_id)
    if reply.dealership_id != acting.dealership_id or reply.owner_staff_id not in (
        None,
        acting.staff_id,
    ):
        raise NotFound(f"canned reply id {reply_id} not found")
    return reply


def _first(name: str | None) -> str | None:
    words = (name or "").split()
    return words[0] if words else None


def _vehicle(uow: UnitOfWork, convo: ConversationRecord, slots: Slots) -> str | None:
    live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
    every = handoffs.list_handoffs(uow, dealership_id=convo.dealership_id, conversation_id=convo.id)
    latest = live or (every[-1] if every else None)
    cars = latest.summary.get("vehicles") if latest else None
    if cars:
        car = cars[0]
        return " ".join(str(car[k]) for k in ("year", "make", "model", "trim") if car.get(k))
    stock = slots.get("vehicle_of_interest")
    if stock:
        try:
            return vehicles.get_vehicle(uow, dealership_id=convo.dealership_id, stock=stock).title
        except NotFound:
            pass
    upcoming = appointments.upcoming_for_customer(uow, customer_id=convo.customer_id)
    if upcoming:
        return vehicles.get_vehicle_by_id(uow, vehicle_id=upcoming[0].vehicle_id).title
    return None
