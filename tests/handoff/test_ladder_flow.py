"""The routing ladder through real jobs on the demo dealership (Harbor Point Honda): who is
paged (SMS with a signed link, e-mail), acks by text, ack timeouts that move the page up the
ladder, after-hours queueing and the on-call manager, with the frozen clock moved by hand.

Demo shifts used (Los Angeles time): Tuesday - maria 9-18, jake 11-20, daniel (manager) 9-18,
priya off; Thursday - jake 11-20, priya 9-18, daniel 11-20, maria off; Saturday - maria 9-17.
The fixture clock is Friday 2026-03-06 21:40, after every shift.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import conversations, customers, dealerships, handoffs, jobs, messages, staff
from crm_store.handoffs import ROUTE_JOB
from crm_store.models import Job
from crm_store.records import HandoffRecord, StaffRecord
from crm_store.types import Author, Channel, Direction, HandoffStatus, StaffStatus
from handoff import links
from handoff.flow import ACK_TIMEOUT_JOB
from handoff.pagers import STAFF_SMS_JOB
from nightshift.infra.mail import LogMailer
from nightshift.runtime import Runtime
from tests.demo import SLUG

LA = ZoneInfo("America/Los_Angeles")
TUESDAY_2PM = datetime(2026, 3, 10, 14, 0, tzinfo=LA)
THURSDAY_2PM = datetime(2026, 3, 12, 14, 0, tzinfo=LA)
SATURDAY_9AM = datetime(2026, 3, 7, 9, 0, tzinfo=LA)
SHOPPER = "+18055550190"
ACK_MINUTES = timedelta(minutes=5)
LINK = re.compile(r"/staff/handoffs/(\d+)/(\d+)\?exp=(\d+)&sig=([0-9a-f]{64})")

Step = tuple[str, str | None, str | None]  # (action, staff handle, rule)


# -- helpers ----------------------------------------------------------------------------------


def dealer_id(runtime: Runtime) -> int:
    with runtime.store.reading() as uow:
        return dealerships.id_for_slug(uow, slug=SLUG)


def member(runtime: Runtime, handle: str) -> StaffRecord:
    dealer = dealer_id(runtime)
    with runtime.store.reading() as uow:
        return staff.find_staff(uow, dealership_id=dealer, handle=handle)


def set_status(runtime: Runtime, handle: str, status: StaffStatus) -> None:
    who = member(runtime, handle)
    with runtime.store.unit_of_work() as uow:
        staff.set_staff_status(uow, staff_id=who.id, status=status)


def escalate(
    runtime: Runtime,
    reasons: Sequence[str] = ("human_requested",),
    *,
    owner: str = "maria",
    phone: str = SHOPPER,
    said: str = "can I talk to a real person about the CR-V?",
) -> HandoffRecord:
    """A shopper assigned to `owner` says `said` by SMS and the conversation is escalated."""
    rep = member(runtime, owner)
    dealer = dealer_id(runtime)
    with runtime.store.unit_of_work() as uow:
        shopper = customers.upsert_customer(
            uow, dealership_id=dealer, phone=phone, name="Dana Ruiz", assigned_staff_id=rep.id
        )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer, customer_id=shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=said,
        )
        return handoffs.create_handoff(
            uow,
            dealership_id=dealer,
            conversation_id=convo.id,
            customer_id=shopper.id,
            reasons=list(reasons),
            confidence=0.9,
        )


def current(runtime: Runtime, handoff_id: int) -> HandoffRecord:
    with runtime.store.reading() as uow:
        return handoffs.get_handoff(uow, handoff_id=handoff_id)


def trail(runtime: Runtime, handoff_id: int) -> list[Step]:
    """The audit trail as (action, handle, rule), ignoring timestamps and details."""
    dealer = dealer_id(runtime)
    with runtime.store.reading() as uow:
        team = {m.id: m.handle for m in staff.list_staff(uow, dealership_id=dealer)}
        return [
            (s.action, team.get(s.staff_id) if s.staff_id else None, s.rule)
            for s in handoffs.steps(uow, handoff_id=handoff_id)
        ]


def texts_to_staff(runtime: Runtime) -> list[tuple[str, str]]:
    """Every staff SMS job so far (sent or still queued), oldest first, as (to, body)."""
    with runtime.store.reading() as uow:
        rows = uow.session.scalars(
            sa.select(Job).where(Job.kind == STAFF_SMS_JOB).order_by(Job.id)
        ).all()
        return [(str(j.payload["to"]), str(j.payload["body"])) for j in rows]


def pages_to(runtime: Runtime, handle: str) -> list[str]:
    phone = member(runtime, handle).phone
    return [body for to, body in texts_to_staff(runtime) if to == phone]


def mails(runtime: Runtime) -> list[tuple[str, str]]:
    mailer = runtime.mailer
    assert isinstance(mailer, LogMailer)
    return [(str(m["To"]), str(m["Subject"])) for m in mailer.sent]


def pending(runtime: Runtime, kind: str) -> list[datetime]:
    with runtime.store.reading() as uow:
        return [j.run_at.astimezone(LA) for j in jobs.pending(uow, kinds=[kind])]


def wait(runtime: Runtime, clock: FrozenClock, delta: timedelta) -> None:
    clock.advance(delta)
    runtime.jobs.run_due()


def text_from(runtime: Runtime, handle: str, body: str, sid: str) -> None:
    """A staff member texts the dealership number, as the Twilio webhook hands it over."""
    phone = member(runtime, handle).phone
    assert phone is not None
    runtime.pipeline.receive(InboundMessage(SLUG, "sms", phone, body, sid))
    runtime.jobs.run_due()


def paged_on_tuesday(runtime: Runtime, clock: FrozenClock) -> HandoffRecord:
    clock.set(TUESDAY_2PM)
    found = escalate(runtime)
    runtime.jobs.run_due()
    assert trail(runtime, found.id)[-1] == ("paged", "maria", "owner")
    return found


# -- on shift -----------------------------------------------------------------------------------


def test_the_owner_on_shift_is_paged_by_sms_and_email_with_a_signed_link(
    runtime: Runtime, clock: FrozenClock
) -> None:
    clock.set(TUESDAY_2PM)
    created = escalate(runtime)
    runtime.jobs.run_due()

    maria = member(runtime, "maria")
    assert trail(runtime, created.id) == [("created", None, None), ("paged", "maria", "owner")]
    found = current(runtime, created.id)
    assert found.status is HandoffStatus.PAGED and found.assigned_staff_id == maria.id
    assert found.summary["customer"]["name"] == "Dana Ruiz"

    [(to, body)] = texts_to_staff(runtime)
    assert to == maria.phone == "+18055550101"
    assert "asked for a person" in body and "Dana Ruiz" in body and "Reply 1" in body
    assert "can I talk to a real person" in body
    match = LINK.search(body)
    assert match is not None, body
    handoff_id, staff_id, expires, sig = match.groups()
    assert (int(handoff_id), int(staff_id)) == (created.id, maria.id)
    path = f"/staff/handoffs/{created.id}/{maria.id}"
    assert links.check(runtime.handoffs.key, path, int(expires), sig, clock.now()) is None
    assert int(expires) == int((clock.now() + timedelta(hours=72)).timestamp())

    assert mails(runtime) == [
        ("maria.lopez@harborpointhonda.example", f"Handoff #{created.id}: asked for a person")
    ]
    assert pending(runtime, ACK_TIMEOUT_JOB) == [TUESDAY_2PM + ACK_MINUTES]


def test_a_busy_owner_is_skipped_for_the_next_rep_on_shift(
    runtime: Runtime, clock: FrozenClock
) -> None:
    clock.set(TUESDAY_2PM)
    set_status(runtime, "maria", StaffStatus.BUSY)
    created = escalate(runtime)
    runtime.jobs.run_due()

    jake = member(runtime, "jake")
    assert trail(runtime, created.id)[-1] == ("paged", "jake", "rotation")
    assert current(runtime, created.id).assigned_staff_id == jake.id
    [(to, body)] = texts_to_staff(runtime)
    assert to == jake.phone and f"/staff/handoffs/{created.id}/{jake.id}?" in body
    assert pages_to(runtime, "maria") == []
    assert [to for to, _ in mails(runtime)] == ["jake.thompson@harborpointhonda.example"]


def test_an_sms_ack_in_time_keeps_the_page_with_the_owner(
    runtime: Runtime, clock: FrozenClock
) -> None:
    found = paged_on_tuesday(runtime, clock)
    clock.advance(timedelta(minutes=2))
    text_from(runtime, "maria", "1", "SMack0000000000000000000000000001")
    wait(runtime, clock, timedelta(minutes=10))

    assert trail(runtime, found.id) == [
        ("created", None, None),
        ("paged", "maria", "owner"),
        ("acked", "maria", None),
    ]
    after = current(runtime, found.id)
    assert after.acked_at == TUESDAY_2PM + timedelta(minutes=2)
    assert after.assigned_staff_id == member(runtime, "maria").id
    assert pending(runtime, ACK_TIMEOUT_JOB) == []
    assert pages_to(runtime, "jake") == [] and pages_to(runtime, "daniel") == []
    # the page, then the confirmation with the link
    page, thanks = pages_to(runtime, "maria")
    assert page.startswith("Nightshift: asked for a person")
    assert thanks.startswith("Thanks Maria, it's yours:") and LINK.search(thanks)
    # the rep's "1" is not a shopper's message: no customer was made from her number
    dealer = dealer_id(runtime)
    with runtime.store.reading() as uow:
        assert customers.find_by_phone(uow, dealership_id=dealer, phone="+18055550101") is None


def test_an_unanswered_page_moves_up_the_ladder_to_the_manager(
    runtime: Runtime, clock: FrozenClock
) -> None:
    found = paged_on_tuesday(runtime, clock)

    wait(runtime, clock, ACK_MINUTES)
    assert trail(runtime, found.id)[-2:] == [
        ("no_ack", "maria", None),
        ("rerouted", "jake", "rotation"),
    ]
    assert current(runtime, found.id).assigned_staff_id == member(runtime, "jake").id
    assert len(pages_to(runtime, "jake")) == 1

    wait(runtime, clock, ACK_MINUTES)
    assert trail(runtime, found.id)[-2:] == [
        ("no_ack", "jake", None),
        ("rerouted", "daniel", "manager_on_duty"),
    ]
    assert len(pages_to(runtime, "daniel")) == 1
    # kevin (BDC) is on shift, priya is not: neither is ever paged
    assert pages_to(runtime, "kevin") == [] and pages_to(runtime, "priya") == []
    assert [to.split(".")[0] for to, _ in mails(runtime)] == ["maria", "jake", "daniel"]


def test_when_nobody_on_the_ladder_answers_it_waits_for_the_owners_next_shift(
    runtime: Runtime, clock: FrozenClock
) -> None:
    found = paged_on_tuesday(runtime, clock)
    for _ in range(3):  # maria, jake, daniel
        wait(runtime, clock, ACK_MINUTES)

    assert trail(runtime, found.id)[-2:] == [
        ("no_ack", "daniel", None),
        ("queued", "maria", "queued_until_open"),
    ]
    wednesday_11am = datetime(2026, 3, 11, 11, 0, tzinfo=LA)  # maria's next shift
    assert pending(runtime, ROUTE_JOB) == [wednesday_11am]
    assert current(runtime, found.id).status is HandoffStatus.OPEN
    assert len(texts_to_staff(runtime)) == 3


# -- after hours ------------------------------------------------------------------------------


def test_after_hours_a_routine_handoff_waits_for_the_owners_morning_shift(
    runtime: Runtime, clock: FrozenClock
) -> None:
    created = escalate(runtime)  # Friday 21:40
    runtime.jobs.run_due()

    assert trail(runtime, created.id) == [
        ("created", None, None),
        ("queued", "maria", "queued_until_open"),
    ]
    with runtime.store.reading() as uow:
        queued = handoffs.steps(uow, handoff_id=created.id)[-1]
    assert datetime.fromisoformat(queued.detail["until"]) == SATURDAY_9AM
    assert pending(runtime, ROUTE_JOB) == [SATURDAY_9AM]
    assert current(runtime, created.id).status is HandoffStatus.OPEN
    assert texts_to_staff(runtime) == [] and mails(runtime) == []

    clock.set(SATURDAY_9AM)
    runtime.jobs.run_due()
    assert trail(runtime, created.id)[-1] == ("paged", "maria", "owner")
    assert len(pages_to(runtime, "maria")) == 1
    assert [to for to, _ in mails(runtime)] == ["maria.lopez@harborpointhonda.example"]


def test_after_hours_a_complaint_pages_the_on_call_manager_at_once(
    runtime: Runtime, clock: FrozenClock
) -> None:
    created = escalate(runtime, ["complaint"], said="this is the worst service ever")
    runtime.jobs.run_due()

    assert trail(runtime, created.id)[-1] == ("paged", "daniel", "after_hours_on_call")
    [(to, body)] = texts_to_staff(runtime)
    assert to == member(runtime, "daniel").phone and "COMPLAINT" in body
    assert mails(runtime) == [
        ("daniel.brooks@harborpointhonda.example", f"Handoff #{created.id}: COMPLAINT")
    ]

    # the on-call manager does not answer: nobody else is paged tonight
    wait(runtime, clock, ACK_MINUTES)
    assert trail(runtime, created.id)[-2:] == [
        ("no_ack", "daniel", None),
        ("queued", "maria", "queued_until_open"),
    ]
    assert pending(runtime, ROUTE_JOB) == [SATURDAY_9AM]
    assert len(texts_to_staff(runtime)) == 1


def test_with_everyone_off_nothing_is_paged(runtime: Runtime, clock: FrozenClock) -> None:
    clock.set(TUESDAY_2PM)
    dealer = dealer_id(runtime)
    with runtime.store.unit_of_work() as uow:
        for each in staff.list_staff(uow, dealership_id=dealer):
            staff.set_staff_status(uow, staff_id=each.id, status=StaffStatus.OFF)
    created = escalate(runtime)
    runtime.jobs.run_due()

    assert trail(runtime, created.id) == [
        ("created", None, None),
        ("queued", "maria", "queued_until_open"),
    ]
    assert current(runtime, created.id).status is HandoffStatus.OPEN
    assert texts_to_staff(runtime) == [] and mails(runtime) == []
    assert pending(runtime, ACK_TIMEOUT_JOB) == []


# -- one live handoff per conversation; fair rotation ---------------------------------------


def test_a_second_escalation_adds_its_reasons_and_pages_nobody_again(
    runtime: Runtime, clock: FrozenClock
) -> None:
    first = paged_on_tuesday(runtime, clock)
    clock.advance(timedelta(minutes=1))
    second = escalate(runtime, ["financing"], said="and can I finance it?")
    runtime.jobs.run_due()

    assert second.id == first.id
    assert current(runtime, first.id).reasons == ("human_requested", "financing")
    assert trail(runtime, first.id)[-1] == ("reasons_added", None, None)
    assert [s for s in trail(runtime, first.id) if s[0] in ("paged", "rerouted")] == [
        ("paged", "maria", "owner")
    ]
    assert len(texts_to_staff(runtime)) == 1 and len(mails(runtime)) == 1
    dealer = dealer_id(runtime)
    with runtime.store.reading() as uow:
        assert len(handoffs.list_handoffs(uow, dealership_id=dealer)) == 1


def test_rotation_is_fair_across_handoffs(runtime: Runtime, clock: FrozenClock) -> None:
    """With equal load the rep paged least recently (for any handoff) gets the next one."""
    clock.set(THURSDAY_2PM)  # maria, the owner, is not on shift; jake and priya are
    first = escalate(runtime)
    runtime.jobs.run_due()
    assert trail(runtime, first.id)[-1] == ("paged", "jake", "rotation")
    rep = member(runtime, "jake")
    with runtime.store.unit_of_work() as uow:  # taken and done within minutes
        handoffs.claim(uow, handoff_id=first.id, staff_id=rep.id)
        handoffs.hand_back(uow, handoff_id=first.id, staff_id=rep.id)

    clock.advance(timedelta(minutes=3))
    second = escalate(runtime, phone="+18055550191")
    runtime.jobs.run_due()
    assert trail(runtime, second.id)[-1] == ("paged", "priya", "rotation")
