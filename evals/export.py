"""Save a conversation as a QA scenario ("Save as QA scenario": the manager's review feeds QA).

`export_scenario` writes one conversation in the scenario format (../shared/EVAL_FORMAT.md),
ready for `nightshift eval FILE`: the dealership's world as it is now (world_snapshot.py), the
clock at the shopper's first message and each later turn at its real offset (`advance`, whole
minutes, so the replay drifts by less than a minute in all), the shopper's own words, and the
observed end state as expectations: the appointments the conversation booked (vehicle, time
and salesperson), its handoff reasons or `none`, the lead details the CRM learned during it,
and, on SMS, whether the shopper opted out. Only keys the format defines; the same data gives
the same file except for the export time in the header. Phone numbers and e-mail addresses are
stand-ins (pseudonyms.py), also inside the shopper's words. What staff wrote is not replayed: a
conversation a person took over replays as the assistant alone would have handled it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import yaml

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
from crm_store.errors import NotFound
from crm_store.records import ConversationRecord, CustomerRecord, DealershipRecord, MessageRecord
from crm_store.types import Author, Channel, Consent
from crm_store.uow import UnitOfWork
from evals.pseudonyms import Pseudonyms
from evals.world_snapshot import world_block
from nightshift.world.schema import WEEKDAYS


class ExportError(ValueError):
    """A conversation that cannot be written as a scenario (e.g. the shopper never wrote)."""


def export_scenario(store: Store, public_id: str) -> str:
    """The conversation with this public id as scenario YAML, with a header comment saying
    where it came from. Raises `NotFound` for an unknown id, `ExportError` for a
    conversation with no shopper text to replay."""
    with store.reading() as uow:
        try:
            conversation = conversations.get_by_public_id(uow, public_id=public_id.strip())
        except NotFound:
            raise NotFound(
                f"conversation {public_id!r} not found; expected the public id of a "
                "conversation (as the transcript and the console show it)"
            ) from None
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=conversation.dealership_id)
        scenario = _scenario(uow, dealer, conversation)
        exported = uow.now().astimezone(ZoneInfo(dealer.timezone))
    header = (
        f"# Saved from conversation {conversation.public_id} of dealership {dealer.slug}"
        f" on {exported.isoformat(timespec='seconds')}.\n"
        "# Phone numbers and e-mail addresses are fictional stand-ins.\n"
        "# Run it with: nightshift eval THIS_FILE\n"
    )
    return header + yaml.dump(
        scenario,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1000,  # one line per staff member and vehicle, like the bundled suites
    )


def _scenario(
    uow: UnitOfWork, dealer: DealershipRecord, conversation: ConversationRecord
) -> dict[str, Any]:
    zone = ZoneInfo(dealer.timezone)
    said = [
        m
        for m in messages.list_messages(uow, conversation_id=conversation.id)
        if m.author is Author.SHOPPER and m.body.strip()  # a photo alone cannot be replayed
    ]
    if not said:
        raise ExportError(
            f"conversation {conversation.public_id!r} has no shopper text to replay; "
            "expected a conversation in which the shopper wrote at least one message"
        )
    shopper = customers.get_customer(uow, customer_id=conversation.customer_id)
    sms = conversation.channel is Channel.SMS
    if sms and not shopper.phone:
        raise ExportError(f"conversation {conversation.public_id!r}: the SMS shopper has no phone")
    names = Pseudonyms()
    # the shopper's stand-ins come first, so a file's numbering does not depend on the staff
    if shopper.phone:
        names.phone(shopper.phone)
    if shopper.email:
        names.email(shopper.email, local="shopper")
    began = said[0].created_at
    known_before = shopper.created_at < began
    world = world_block(
        uow,
        dealer,
        names,
        shopper=shopper,
        known_before=known_before,
        began=began,
        conversation_id=conversation.id,
    )
    local = began.astimezone(zone).replace(tzinfo=None, microsecond=0)
    return {
        "id": f"saved-{conversation.public_id}",
        "title": f"Saved {conversation.channel.value} conversation of "
        f"{local:%Y-%m-%d %H:%M} at {dealer.name}",
        "tags": ["saved", conversation.channel.value],
        "now": local.isoformat(timespec="seconds" if local.second else "minutes"),
        "channel": conversation.channel.value,
        "shopper": (
            {"phone": names.phone(shopper.phone or "")}
            if sms
            else {"session": f"saved-{conversation.public_id}"}
        ),
        "world": world,
        "turns": _turns(said, began, names),
        "expect": _expect(uow, dealer, conversation, shopper, names, new=not known_before),
    }


def _turns(said: list[MessageRecord], began: datetime, names: Pseudonyms) -> list[dict[str, Any]]:
    """The shopper's messages as turns; `advance` moves the clock by the whole minutes since
    the previous turn, counted from the first message so rounding never adds up."""
    turns: list[dict[str, Any]] = []
    elapsed = 0
    for message in said:
        minutes = int((message.created_at - began).total_seconds() // 60)
        turn: dict[str, Any] = {"user": names.scrub(message.body)}
        if minutes > elapsed:
            turn = {"advance": _duration(minutes - elapsed), **turn}
            elapsed = minutes
        turns.append(turn)
    return turns


def _duration(minutes: int) -> str:
    for unit, size in (("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{unit}"
    return f"{minutes}m"


def _expect(
    uow: UnitOfWork,
    dealer: DealershipRecord,
    conversation: ConversationRecord,
    shopper: CustomerRecord,
    names: Pseudonyms,
    *,
    new: bool,
) -> dict[str, Any]:
    """The end state as the store records it now."""
    zone = ZoneInfo(dealer.timezone)
    stocks = {v.id: v.stock for v in vehicles.list_vehicles(uow, dealership_id=dealer.id)}
    handles = {m.id: m.handle for m in staff.list_staff(uow, dealership_id=dealer.id)}
    booked = [
        a
        for a in appointments.list_appointments(uow, dealership_id=dealer.id)
        if a.conversation_id == conversation.id
    ]
    expect: dict[str, Any] = {
        "appointments": [
            {
                "stock": stocks[a.vehicle_id],
                "starts_at": f"{a.starts_at.astimezone(zone):%Y-%m-%dT%H:%M}",
                **({"staff": handles[a.staff_id]} if a.staff_id in handles else {}),
            }
            for a in booked
        ]
    }
    found = handoffs.list_handoffs(uow, dealership_id=dealer.id, conversation_id=conversation.id)
    reasons = sorted({r for h in found for r in h.reasons})
    expect["handoff"] = (
        {"reason": reasons[0] if len(reasons) == 1 else reasons} if reasons else "none"
    )
    if new:  # what the CRM learned during the conversation; a known shopper's is in the world
        lead = {
            "name": shopper.name,
            "email": names.email(shopper.email, local="shopper") if shopper.email else None,
            # on SMS the phone is the sender's own; on the web it is one the shopper gave
            "phone": names.phone(shopper.phone)
            if shopper.phone and conversation.channel is Channel.WEB
            else None,
        }
        lead = {k: v for k, v in lead.items() if v is not None}
        if lead:
            expect["lead"] = lead
    if conversation.channel is Channel.SMS:
        expect["opted_out"] = shopper.sms_consent is Consent.REVOKED
    return expect


class _Dumper(yaml.SafeDumper):
    """The layout of the bundled suites: each staff member and vehicle on one line, hours and
    lists of words inline, multi-line texts (knowledge pages) as `|` blocks, the rest as
    blocks."""


def _text(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    inline = "handle" in data or "vin" in data or (bool(data) and set(data) <= set(WEEKDAYS))
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=inline)


def _sequence(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    inline = all(isinstance(item, str | int | float) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=inline)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(list, _sequence)
