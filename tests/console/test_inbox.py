"""The salesperson's inbox as a signed-in staff member sees it: what is waiting for me, mine,
the unassigned queue, and the actions on a conversation; on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from functools import partial

import pytest

from console.inbox import Inbox
from contracts.clock import FrozenClock
from crm_store import (
    audit,
    conversations,
    customers,
    handoffs,
    inbox,
    messages,
    outbox,
    staff,
    staff_sessions,
)
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from crm_store.inbox_items import InboxItem
from crm_store.models import Staff
from crm_store.records import ConversationRecord, CustomerRecord, StaffRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Author, Channel, Direction, InboxStatus, Role
from crm_store.uow import UnitOfWork
from nightshift.conversation import transcript
from tests.factories import Lot, make_lot


@dataclass(frozen=True)
class Team:
    lot: Lot
    tom: StaffRecord
    maria: SessionRecord
    tom_session: SessionRecord


def _member(uow: UnitOfWork, lot: Lot, handle: str, role: Role = Role.SALES) -> StaffRecord:
    return staff.upsert_staff(
        uow,
        dealership_id=lot.dealer.id,
        handle=handle,
        name=f"{handle.title()} Nguyen",
        role=role,
        phone=None,
        email=f"{handle}@{lot.dealer.slug}.example",
        shifts={0: (time(9), time(18))},
    )


def _team(store: Store, slug: str = "harbor-point-honda") -> Team:
    lot = make_lot(store, slug=slug)
    with store.unit_of_work() as uow:
        tom = _member(uow, lot, "tom")
        maria, _ = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        tom_session, _ = staff_sessions.create_session(uow, staff_id=tom.id, user_agent=None)
    return Team(lot, tom, maria, tom_session)


def _shopper(uow: UnitOfWork, lot: Lot, phone: str | None, name: str | None) -> CustomerRecord:
    if phone is None:
        return customers.create_customer(uow, dealership_id=lot.dealer.id, source="web", name=name)
    return customers.upsert_customer(uow, dealership_id=lot.dealer.id, phone=phone, name=name)


def _chat(
    store: Store,
    clock: FrozenClock,
    lot: Lot,
    text: str,
    *,
    phone: str | None = "(555) 123-0002",
    name: str | None = None,
) -> ConversationRecord:
    """A new conversation in which the shopper wrote `text` a minute after the last one."""
    clock.advance(timedelta(minutes=1))
    with store.unit_of_work() as uow:
        shopper = _shopper(uow, lot, phone, name)
        channel = Channel.SMS if phone else Channel.WEB
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=shopper.id, channel=channel
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=text,
        )
    return convo


def _handoff(store: Store, convo: ConversationRecord, *, urgent: bool = False) -> int:
    with store.unit_of_work() as uow:
        return handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing"],
            confidence=0.9,
            urgent=urgent,
        ).id


def _page(store: Store, handoff_id: int, staff_id: int) -> None:
    with store.unit_of_work() as uow:
        handoffs.page(uow, handoff_id=handoff_id, staff_id=staff_id, rule="owner")


def _conversation(
    store: Store,
    clock: FrozenClock,
    team: Team,
    text: str,
    *,
    phone: str | None = "(555) 123-0002",
    name: str | None = None,
    raised: bool = False,
    urgent: bool = False,
    paged_to: int | None = None,
    assigned_to: int | None = None,
    status: InboxStatus | None = None,
) -> ConversationRecord:
    """A new conversation (`_chat`) put in a state as staff would put it there: a handoff
    raised (`urgent`, implied by `paged_to`), paged to someone, assigned in the inbox by Maria,
    then given a `status` by her (snoozed with no end time)."""
    convo = _chat(store, clock, team.lot, text, phone=phone, name=name)
    if raised or urgent or paged_to is not None:
        handoff_id = _handoff(store, convo, urgent=urgent)
        if paged_to is not None:
            _page(store, handoff_id, paged_to)
    box = Inbox(store)
    if assigned_to is not None:
        box.assign(team.maria, convo.public_id, assigned_to)
    if status is InboxStatus.SNOOZED:
        box.snooze(team.maria, convo.public_id, until=None)
    elif status is not None:
        box.set_status(team.maria, convo.public_id, status)
    return convo


def _ids(items: tuple[InboxItem, ...]) -> list[str]:
    return [item.public_id for item in items]


def test_waiting_for_me_first_then_mine_then_the_unassigned_queue(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box, maria = Inbox(store), team.lot.rep.id
    new = partial(_conversation, store, clock, team)
    paged = new("Can I get financing?", phone="(555) 123-0001", paged_to=maria)
    assigned = new("Is the Civic still there?", assigned_to=maria)
    resolved = new(
        "Thanks, bye",
        phone="(555) 123-0003",
        name="Lee Park",
        assigned_to=maria,
        status=InboxStatus.RESOLVED,
    )
    snoozed = new(
        "I'll send photos", phone="(555) 123-0004", assigned_to=maria, status=InboxStatus.SNOOZED
    )
    queued_early = new("Real person please", phone=None, raised=True)
    queued_late = new("Price?", phone="(555) 123-0005", raised=True)
    urgent = new("This is a complaint", phone="(555) 123-0006", urgent=True)
    bot_only = new("What are your hours?", phone="(555) 123-0007")
    toms = new("Trade-in value?", phone="(555) 123-0008", paged_to=team.tom.id)

    got = box.sections(team.maria)

    assert _ids(got.waiting) == [paged.public_id, assigned.public_id]
    assert got.waiting[0].awaiting_ack and not got.waiting[1].awaiting_ack
    assert _ids(got.mine) == [snoozed.public_id, resolved.public_id]  # newest message first
    assert [i.status for i in got.mine] == [InboxStatus.SNOOZED, InboxStatus.RESOLVED]
    assert _ids(got.queue) == [urgent.public_id, queued_early.public_id, queued_late.public_id]
    every = _ids(got.waiting + got.mine + got.queue)
    assert bot_only.public_id not in every and toms.public_id not in every
    assert _ids(box.sections(team.tom_session).waiting) == [toms.public_id]

    first = got.waiting[0]
    assert (first.customer, first.channel, first.status) == ("Dana Ruiz", Channel.SMS, "open")
    assert (first.preview, first.unread, first.handoff_reasons) == (
        "Can I get financing?",
        1,
        ("financing",),
    )
    assert got.waiting[1].customer == "+1***02"  # no name: the phone, masked
    assert got.queue[1].customer == "Web visitor"
    assert got.queue[0].urgent


def test_another_dealerships_conversations_never_appear(store: Store, clock: FrozenClock) -> None:
    ours, theirs = _team(store), _team(store, slug="bayside-toyota")
    box = Inbox(store)
    mine = _conversation(store, clock, ours, "Hello", phone="(555) 123-0010", raised=True)
    hello = partial(_conversation, store, clock, theirs, "Hi", raised=True)
    rep = theirs.lot.rep.id  # someone with our salesperson's name and handle
    hello(phone="(555) 123-0020")
    hello(phone="(555) 123-0021", paged_to=rep)
    convo = hello(phone="(555) 123-0022", assigned_to=rep)
    got = box.sections(ours.maria)
    assert _ids(got.waiting + got.mine + got.queue) == [mine.public_id]
    with pytest.raises(NotFound):
        box.set_status(ours.maria, convo.public_id, InboxStatus.RESOLVED)
    with pytest.raises(NotFound):
        box.add_note(ours.maria, convo.public_id, "not ours")


def test_statuses_move_and_the_shoppers_reply_brings_it_back(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box = Inbox(store)
    convo = _conversation(store, clock, team, "Can you hold it?", assigned_to=team.lot.rep.id)
    box.set_status(team.maria, convo.public_id, InboxStatus.PENDING)
    assert _ids(box.sections(team.maria).mine) == [convo.public_id]
    assert _ids(box.sections(team.maria, status=InboxStatus.PENDING).mine) == [convo.public_id]
    assert box.sections(team.maria, status=InboxStatus.RESOLVED).mine == ()

    box.set_status(team.maria, convo.public_id, InboxStatus.RESOLVED)
    with store.unit_of_work() as uow:
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body="one more thing",
        )
    got = box.sections(team.maria)
    assert (_ids(got.waiting), got.mine) == ([convo.public_id], ())
    assert got.waiting[0].status is InboxStatus.OPEN and got.waiting[0].unread == 2


def test_a_snoozed_conversation_comes_back_when_its_time_has_passed(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box = Inbox(store)
    convo = _conversation(store, clock, team, "Call me tomorrow", assigned_to=team.lot.rep.id)
    box.snooze(team.maria, convo.public_id, until=clock.now() + timedelta(hours=12))
    assert _ids(box.sections(team.maria, status=InboxStatus.SNOOZED).mine) == [convo.public_id]
    with pytest.raises(InvalidValue) as past:
        box.snooze(team.maria, convo.public_id, until=clock.now() - timedelta(minutes=1))
    assert past.value.field == "until"
    clock.advance(timedelta(hours=12))
    got = box.sections(team.maria)
    assert (_ids(got.waiting), got.mine) == ([convo.public_id], ())
    assert box.sections(team.maria, status=InboxStatus.SNOOZED).mine == ()


def test_reassigning_moves_the_conversation_and_its_handoff_within_the_dealership(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    other = _team(store, slug="bayside-toyota")
    box = Inbox(store)
    convo = _chat(store, clock, team.lot, "Financing?")
    handoff_id = _handoff(store, convo)
    _page(store, handoff_id, team.lot.rep.id)
    with store.unit_of_work() as uow:
        gone = _member(uow, team.lot, "ana")
        uow.session.get(Staff, gone.id).active = False
    for stranger in (other.lot.rep.id, gone.id, 999_999):
        with pytest.raises(InvalidValue) as refused:
            box.assign(team.maria, convo.public_id, stranger)
        assert refused.value.field == "staff_id"
    assert _ids(box.sections(team.maria).waiting) == [convo.public_id]  # nothing moved

    box.assign(team.maria, convo.public_id, team.tom.id)
    assert box.sections(team.maria).waiting == ()
    assert _ids(box.sections(team.tom_session).waiting) == [convo.public_id]
    with store.reading() as uow:
        moved = handoffs.get_handoff(uow, handoff_id=handoff_id)
        trail = [s.action for s in handoffs.steps(uow, handoff_id=handoff_id)]
        [entry, *_] = audit.entries(uow, dealership_id=team.lot.dealer.id)
    assert (moved.assigned_staff_id, moved.acked_at is not None) == (team.tom.id, True)
    assert trail[-1] == "reassigned"
    assert (entry.action, entry.staff_id, entry.detail) == (
        "inbox_assign",
        team.lot.rep.id,
        {"from": None, "to": team.tom.id},
    )

    box.assign(team.tom_session, convo.public_id, None)  # back to the queue
    got = box.sections(team.maria)
    assert (_ids(got.queue), got.waiting) == ([convo.public_id], ())
    box.assign(team.maria, convo.public_id, team.lot.rep.id)  # "assign to me" from the queue
    assert _ids(box.sections(team.maria).waiting) == [convo.public_id]


def test_notes_stay_with_staff_and_never_reach_the_shopper(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box = Inbox(store)
    convo = _chat(store, clock, team.lot, "Can you do 21k?")
    secret = "Manager says floor is 22,400, do not go lower"
    note = box.add_note(team.maria, convo.public_id, secret)
    with pytest.raises(InvalidValue):
        box.add_note(team.maria, convo.public_id, "x" * 4001)
    listed = box.list_notes(team.tom_session, convo.public_id)
    assert [(n.id, n.body, n.author_name) for n in listed] == [(note.id, secret, "Maria Lopez")]
    with store.reading() as uow:
        said = [m.body for m in messages.list_messages(uow, conversation_id=convo.id)]
        lines = [line.text for line in transcript.build(uow, convo).lines]
        queued = [o.body for ch in Channel for o in outbox.pending(uow, channel=ch)]
        [entry, *_] = audit.entries(uow, dealership_id=team.lot.dealer.id)
    assert said == lines == ["Can you do 21k?"] and queued == []
    assert (entry.action, entry.detail) == ("inbox_note", {"note": note.id})
    assert secret not in repr(entry)
    view = box.conversation(team.maria, convo.public_id)
    assert [n.body for n in view.notes] == [secret]


def test_unread_counts_the_shoppers_messages_since_staff_read_or_replied(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box = Inbox(store)
    convo = _conversation(store, clock, team, "Hi", assigned_to=team.lot.rep.id)

    def shopper(text: str) -> None:
        clock.advance(timedelta(minutes=1))
        with store.unit_of_work() as uow:
            messages.record_message(
                uow,
                conversation_id=convo.id,
                direction=Direction.INBOUND,
                author=Author.SHOPPER,
                body=text,
            )

    shopper("Are you there?")
    assert box.sections(team.maria).waiting[0].unread == 2
    box.mark_seen(team.tom_session, convo.public_id)  # not his: changes nothing
    assert box.sections(team.maria).waiting[0].unread == 2
    box.mark_seen(team.maria, convo.public_id)
    assert box.sections(team.maria).waiting[0].unread == 0
    shopper("Hello??")
    with store.unit_of_work() as uow:
        outbox.send_message(
            uow,
            conversation_id=convo.id,
            channel=Channel.SMS,
            recipient="+15551230002",
            body="Sorry, here now!",
            author=Author.STAFF,
            staff_id=team.lot.rep.id,
        )
    item = box.sections(team.maria).waiting[0]
    assert (item.unread, item.preview) == (0, "Sorry, here now!")


def test_the_conversation_page_has_the_handoff_card_and_the_timeline(
    store: Store, clock: FrozenClock
) -> None:
    team = _team(store)
    box = Inbox(store)
    convo = _chat(store, clock, team.lot, "Financing?", phone="(555) 123-0001")
    handoff_id = _handoff(store, convo)
    with store.unit_of_work() as uow:
        handoffs.set_summary(uow, handoff_id=handoff_id, summary={"reasons": ["financing"]})
        handoffs.claim(uow, handoff_id=handoff_id, staff_id=team.lot.rep.id)
    view = box.conversation(team.maria, convo.public_id)
    assert view.customer == "Dana Ruiz" and view.assignee == team.lot.rep
    assert view.handoff is not None and view.handoff.summary == {"reasons": ["financing"]}
    kinds = [e.kind for e in view.timeline]
    assert {"conversation_started", "handoff_created", "handoff_summary"} <= set(kinds)
    with store.reading() as uow:
        assert inbox.state(uow, conversation_id=convo.id).assignee_staff_id == team.lot.rep.id
