"""A small builder of conversations, handoffs and test drives at chosen local times, through
crm_store's service functions, for the KPI tests (tests/store/test_reports.py and
tests/console/test_kpis.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from contracts.clock import FrozenClock
from crm_store import appointments, conversations, customers, handoffs, messages, staff
from crm_store.db import Store
from crm_store.records import ConversationRecord, HandoffRecord, StaffRecord
from crm_store.types import AppointmentStatus, Author, Channel, Direction, Role
from tests.factories import Lot

LA = ZoneInfo("America/Los_Angeles")
_PHONES = count(1)  # a new shopper's number, never one used before in this process
CANCELLED, SHOWED, NO_SHOW = (
    AppointmentStatus.CANCELLED,
    AppointmentStatus.SHOWED,
    AppointmentStatus.NO_SHOW,
)


def local(stamp: str) -> datetime:
    """ "2026-03-02 08:30" (or with seconds) in Los Angeles, the factories' dealership zone."""
    return datetime.fromisoformat(stamp).replace(tzinfo=LA)


class Scene:
    """Writes `lot`'s data, each step at the local time it is given (the clock is set to it)."""

    def __init__(self, store: Store, clock: FrozenClock, lot: Lot) -> None:
        self.store, self.clock, self.lot = store, clock, lot

    def at(self, stamp: str) -> Scene:
        self.clock.set(local(stamp))
        return self

    def manager(self) -> StaffRecord:
        with self.store.unit_of_work() as uow:
            return staff.upsert_staff(
                uow,
                dealership_id=self.lot.dealer.id,
                handle="sam",
                name="Sam Manager",
                role=Role.MANAGER,
                phone="+15550100009",
                email=None,
                shifts={day: (time(9), time(18)) for day in range(6)},
            )

    def conversation(
        self, *, owner: int | None = None, channel: Channel = Channel.SMS, mine: bool = False
    ) -> ConversationRecord:
        """A conversation opened now: `lot`'s shopper's (`mine`) or a new shopper's."""
        with self.store.unit_of_work() as uow:
            customer_id = self.lot.shopper.id
            if not mine:
                customer_id = customers.upsert_customer(
                    uow,
                    dealership_id=self.lot.dealer.id,
                    phone=f"+1555{next(_PHONES):07d}",
                    assigned_staff_id=owner,
                ).id
            convo, _ = conversations.open_conversation(
                uow, dealership_id=self.lot.dealer.id, customer_id=customer_id, channel=channel
            )
        return convo

    def say(self, convo: ConversationRecord, author: Author, staff_id: int | None = None) -> None:
        inbound = author is Author.SHOPPER
        with self.store.unit_of_work() as uow:
            messages.record_message(
                uow,
                conversation_id=convo.id,
                direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
                author=author,
                body=f"a message from the {author.value}",
                staff_id=staff_id,
            )

    def handoff(self, convo: ConversationRecord, *reasons: str) -> HandoffRecord:
        with self.store.unit_of_work() as uow:
            return handoffs.create_handoff(
                uow,
                dealership_id=convo.dealership_id,
                conversation_id=convo.id,
                customer_id=convo.customer_id,
                reasons=reasons,
                confidence=0.9,
            )

    def page(self, found: HandoffRecord, staff_id: int) -> None:
        with self.store.unit_of_work() as uow:
            handoffs.page(uow, handoff_id=found.id, staff_id=staff_id, rule="test")

    def queue(self, found: HandoffRecord, until: str) -> None:
        with self.store.unit_of_work() as uow:
            handoffs.queue(
                uow, handoff_id=found.id, until=local(until), staff_id=None, rule="after_hours"
            )

    def ack(self, found: HandoffRecord, staff_id: int) -> None:
        with self.store.unit_of_work() as uow:
            handoffs.ack(uow, handoff_id=found.id, staff_id=staff_id, via="sms")

    def claim(self, found: HandoffRecord, staff_id: int) -> None:
        with self.store.unit_of_work() as uow:
            handoffs.claim(uow, handoff_id=found.id, staff_id=staff_id)

    def book(
        self,
        convo: ConversationRecord | None,
        starts: str,
        *,
        source: str,
        staff_id: int | None,
    ) -> int:
        """A 30-minute test drive of `lot`'s car starting at local `starts`, booked now."""
        starts_at = local(starts)
        with self.store.unit_of_work() as uow:
            return appointments.create_appointment(
                uow,
                dealership_id=self.lot.dealer.id,
                vehicle_id=self.lot.car.id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=30),
                source=source,
                customer_id=convo.customer_id if convo else None,
                staff_id=staff_id,
                conversation_id=convo.id if convo else None,
            ).id

    def mark(self, appointment_id: int, status: AppointmentStatus) -> None:
        """Mark it (the clock must be past its start for showed / no_show)."""
        with self.store.unit_of_work() as uow:
            if status is AppointmentStatus.CANCELLED:
                appointments.cancel_appointment(uow, appointment_id=appointment_id)
            else:
                appointments.set_status(uow, appointment_id=appointment_id, status=status)


@dataclass(frozen=True)
class Week:
    """The hand-checked data set (times in Los Angeles; sales hours Mon-Sat 9:00-18:00):

    Mon 2 Mar  c1 (the rep's customer): shopper 08:30 (after hours), assistant 08:30:20;
               h1 financing 08:31, queued, paged to the rep 09:00, acked 09:03, rep writes 09:10;
               test drive by the assistant Tue 10:00 with the rep -> showed.
               c2: shopper 10:00, assistant 10:01; h2 human_requested + negotiation 10:02,
               paged to the rep 10:02, rerouted to the manager 10:07, acked 10:09, nobody writes;
               test drive by the assistant Tue 16:00 with the manager, not marked.
    Tue 3 Mar  c3 (web): shopper 19:30 (after hours), assistant 19:30:05; h3 financing 19:32,
               paged to the rep, never acked; test drive by staff Tue 17:00 with the rep
               -> no show. c4 12:00: only the assistant wrote; its test drive was cancelled.
               A walk-in (no conversation) booked by staff Tue 15:00 with the manager -> showed.
    Outside    c0 Sun 1 Mar (before the period) with a test drive Thu 5 Mar; a test drive
               Wed 4 Mar 10:00 (after); the other dealership's conversation, handoff and test
               drive inside the period.
    The clock ends on Thu 5 Mar 12:00.
    """

    c1: ConversationRecord
    c2: ConversationRecord
    c3: ConversationRecord
    c4: ConversationRecord
    c0: ConversationRecord
    elsewhere: ConversationRecord
    manager: StaffRecord


def build_week(store: Store, clock: FrozenClock, lot: Lot, other: Lot) -> Week:
    s = Scene(store, clock, lot)
    rep = lot.rep.id
    manager = s.at("2026-03-01 08:00").manager()
    c0 = s.conversation()
    s.say(c0, Author.SHOPPER)
    s.book(c0, "2026-03-05 10:00", source="assistant", staff_id=rep)

    c1 = s.at("2026-03-02 08:30").conversation(mine=True)
    s.say(c1, Author.SHOPPER)
    s.at("2026-03-02 08:30:20").say(c1, Author.ASSISTANT)
    h1 = s.at("2026-03-02 08:31").handoff(c1, "financing")
    s.queue(h1, until="2026-03-02 09:00")
    a1 = s.at("2026-03-02 08:32").book(c1, "2026-03-03 10:00", source="assistant", staff_id=rep)
    s.at("2026-03-02 09:00").page(h1, rep)
    s.at("2026-03-02 09:03").ack(h1, rep)
    s.at("2026-03-02 09:10").say(c1, Author.STAFF, staff_id=rep)

    c2 = s.at("2026-03-02 10:00").conversation()
    s.say(c2, Author.SHOPPER)
    s.at("2026-03-02 10:01").say(c2, Author.ASSISTANT)
    h2 = s.at("2026-03-02 10:02").handoff(c2, "human_requested", "negotiation")
    s.page(h2, rep)
    s.book(c2, "2026-03-03 16:00", source="assistant", staff_id=manager.id)
    s.at("2026-03-02 10:07").page(h2, manager.id)
    s.at("2026-03-02 10:09").ack(h2, manager.id)

    c4 = s.at("2026-03-03 12:00").conversation()
    s.say(c4, Author.ASSISTANT)
    s.mark(s.book(c4, "2026-03-03 11:00", source="assistant", staff_id=rep), CANCELLED)
    walk_in = s.book(None, "2026-03-03 15:00", source="staff", staff_id=manager.id)

    c3 = s.at("2026-03-03 19:30").conversation(channel=Channel.WEB)
    s.say(c3, Author.SHOPPER)
    s.at("2026-03-03 19:30:05").say(c3, Author.ASSISTANT)
    h3 = s.at("2026-03-03 19:32").handoff(c3, "financing")
    s.page(h3, rep)
    a3 = s.book(c3, "2026-03-03 17:00", source="staff", staff_id=rep)
    s.book(None, "2026-03-04 10:00", source="staff", staff_id=rep)

    o = Scene(store, clock, other)
    elsewhere = o.at("2026-03-02 08:45").conversation()
    o.say(elsewhere, Author.SHOPPER)
    o.at("2026-03-02 08:46").say(elsewhere, Author.ASSISTANT)
    found = o.handoff(elsewhere, "complaint")
    o.page(found, other.rep.id)
    o.at("2026-03-02 08:50").ack(found, other.rep.id)
    o.book(elsewhere, "2026-03-03 10:00", source="assistant", staff_id=other.rep.id)

    s.at("2026-03-05 12:00")
    s.mark(a1, SHOWED)
    s.mark(a3, NO_SHOW)
    s.mark(walk_in, SHOWED)
    return Week(c1, c2, c3, c4, c0, elsewhere, manager)
