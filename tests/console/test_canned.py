"""Canned replies: who keeps which, and how a reply renders for a conversation; on SQLite and
PostgreSQL (the pure rendering once)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from console.canned import CannedReplies, NotAllowed, fields_in, fill
from contracts.clock import FrozenClock
from contracts.dialogue import Slots
from crm_store import appointments, conversations, customers, handoffs, staff, staff_sessions
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.records import ConversationRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Channel, Role
from tests.factories import Lot, make_lot

GREETING = "Hi {first_name}, {salesperson} from {dealership} here about the {vehicle}."


def _session(store: Store, lot: Lot, handle: str, role: Role) -> SessionRecord:
    with store.unit_of_work() as uow:
        member = staff.upsert_staff(
            uow,
            dealership_id=lot.dealer.id,
            handle=handle,
            name=f"{handle.title()} Nguyen",
            role=role,
            phone=None,
            email=f"{handle}@{lot.dealer.slug}.example",
            shifts={0: (time(9), time(18))},
        )
        return staff_sessions.create_session(uow, staff_id=member.id, user_agent=None)[0]


def _maria(store: Store, lot: Lot) -> SessionRecord:
    with store.unit_of_work() as uow:
        return staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[0]


def _conversation(store: Store, lot: Lot, customer_id: int | None = None) -> ConversationRecord:
    with store.unit_of_work() as uow:
        return conversations.open_conversation(
            uow,
            dealership_id=lot.dealer.id,
            customer_id=customer_id or lot.shopper.id,
            channel=Channel.SMS,
        )[0]


def test_fields_fill_in_and_unknown_values_fall_back_to_plain_words() -> None:
    values = {"first_name": "Dana", "salesperson": "Maria", "dealership": "Harbor Point Honda"}
    assert fill(GREETING, {**values, "vehicle": "2021 Honda Civic EX"}) == (
        "Hi Dana, Maria from Harbor Point Honda here about the 2021 Honda Civic EX."
    )
    blank = fill(GREETING, {"first_name": None, "vehicle": "  "})
    assert blank == "Hi there, our team from our dealership here about the car."
    assert "None" not in blank and "{" not in blank
    assert fill("Use {{first_name}} literally, {first_name}", {}) == (
        "Use {first_name} literally, there"
    )


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Hi {firstname}!", "{firstname}"),
        ("Your {price} is ready", "{price}"),
        ("{first_name:>10}", "{first_name:>10}"),
        ("{first_name!r}", "{first_name!r}"),
        ("{}", "{}"),
    ],
)
def test_an_unknown_field_is_refused_naming_it_and_the_known_ones(body: str, named: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        fill(body, {"first_name": "Dana"})
    assert refused.value.field == "body" and refused.value.value == named
    for known in ("{first_name}", "{vehicle}", "{salesperson}", "{dealership}"):
        assert known in str(refused.value)


def test_an_unpaired_brace_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        fields_in("See you at 10 {tomorrow")
    assert "{{" in str(refused.value)


def test_managers_keep_the_shared_replies_and_everyone_their_own(store: Store) -> None:
    lot = make_lot(store)
    maria, tom = _maria(store, lot), _session(store, lot, "tom", Role.SALES)
    boss = _session(store, lot, "jo", Role.MANAGER)
    replies = CannedReplies(store)
    with pytest.raises(NotAllowed):
        replies.create(maria, title="Hours", body="We open at 9.", shared=True)
    shared = replies.create(boss, title="Hours", body="We open at 9.", shared=True)
    own = replies.create(maria, title="Hours", body="I'm in from 10, {first_name}.")
    toms = replies.create(tom, title="Trade", body="Bring the title for your trade-in.")
    with pytest.raises(InvalidValue) as unknown:
        replies.create(maria, title="Price", body="It is {price}")
    assert unknown.value.field == "body"

    assert [(r.title, r.owner_staff_id) for r in replies.list(maria)] == [
        ("Hours", None),
        ("Hours", lot.rep.id),
    ]
    with pytest.raises(NotFound):
        replies.delete(maria, toms.id)
    with pytest.raises(NotAllowed):
        replies.delete(maria, shared.id)
    replies.delete(maria, own.id)
    replies.delete(boss, shared.id)
    assert replies.list(maria) == [] and [r.id for r in replies.list(tom)] == [toms.id]


def test_a_reply_renders_for_the_conversation_with_the_vehicle_under_discussion(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    maria = _maria(store, lot)
    slots: dict[int, Slots] = {}
    replies = CannedReplies(store, slots_of=lambda conversation_id: slots.get(conversation_id, {}))
    greeting = replies.create(maria, title="Greeting", body=GREETING)
    convo = _conversation(store, lot)

    def rendered() -> str:
        return replies.render(maria, greeting.id, convo.public_id)

    assert rendered() == "Hi Dana, Maria from Harbor Point Honda here about the car."
    with store.unit_of_work() as uow:
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=clock.now() + timedelta(days=1),
            ends_at=clock.now() + timedelta(days=1, minutes=30),
            source="assistant",
            customer_id=lot.shopper.id,
            conversation_id=convo.id,
        )
    assert rendered().endswith("about the 2021 Honda Civic EX.")  # their test drive's car
    slots[convo.id] = {"vehicle_of_interest": "NOPE1"}  # a stock number no longer listed
    assert rendered().endswith("about the 2021 Honda Civic EX.")
    with store.unit_of_work() as uow:
        found = handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=convo.id,
            customer_id=lot.shopper.id,
            reasons=["negotiation"],
            confidence=0.8,
        )
        car = {"year": 2024, "make": "Honda", "model": "CR-V", "trim": None}
        handoffs.set_summary(uow, handoff_id=found.id, summary={"vehicles": [car]})
    assert rendered().endswith("about the 2024 Honda CR-V.")  # the summary card's vehicle


def test_a_nameless_shopper_is_there_or_their_name_from_the_chat(store: Store) -> None:
    lot = make_lot(store)
    maria = _maria(store, lot)
    slots: Slots = {}
    replies = CannedReplies(store, slots_of=lambda _: slots)
    hello = replies.create(maria, title="Hello", body="Hello {first_name}!")
    with store.unit_of_work() as uow:
        nameless = customers.create_customer(uow, dealership_id=lot.dealer.id, source="web")
    convo = _conversation(store, lot, customer_id=nameless.id)
    assert replies.render(maria, hello.id, convo.public_id) == "Hello there!"
    slots["name"] = "sam okafor"
    assert replies.render(maria, hello.id, convo.public_id) == "Hello sam!"


def test_another_dealerships_replies_and_conversations_are_out_of_reach(store: Store) -> None:
    ours, theirs = make_lot(store), make_lot(store, slug="bayside-toyota")
    maria, rival = _maria(store, ours), _maria(store, theirs)
    rival_boss = _session(store, theirs, "jo", Role.MANAGER)
    replies = CannedReplies(store)
    their_shared = replies.create(rival_boss, title="Hours", body="9 to 5", shared=True)
    mine = replies.create(maria, title="Hi", body="Hi {first_name}")
    their_convo = _conversation(store, theirs)
    assert replies.list(maria) == [mine]
    with pytest.raises(NotFound):
        replies.render(maria, their_shared.id, _conversation(store, ours).public_id)
    with pytest.raises(NotFound):
        replies.render(maria, mine.id, their_convo.public_id)
    assert replies.render(rival, their_shared.id, their_convo.public_id) == "9 to 5"
