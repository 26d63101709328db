"""What follows a booking, as durable jobs on the demo dealership: the salesperson's calendar
invite, the shopper's reminders (24 h and 2 h before, never in quiet hours, never after a
cancellation or STOP), "C" confirms, "can't make it" asks for a better time, and the
shopper's calendar link."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
from fastapi.testclient import TestClient

from booking.config import BookingConfig
from booking.follow_ups import REMINDER_JOB, AppointmentJobs
from booking.local_time import outside_quiet_hours
from booking.replies import reply_to_reminder
from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import appointments, availability, customers, dealerships, jobs, outbox, vehicles
from crm_store.appointments import CHANGED_JOB
from crm_store.records import AppointmentRecord
from crm_store.types import AppointmentStatus, Channel, JobStatus
from nightshift.app import create_app
from nightshift.infra.mail import LogMailer
from nightshift.runtime import Runtime
from tests.demo import SLUG

LA = ZoneInfo("America/Los_Angeles")
PHONE = "+18055550144"


def say(runtime: Runtime, text: str) -> str:
    result = runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", PHONE, text))
    return " ".join(reply.body for reply in result.replies)


def texts_to_shopper(runtime: Runtime) -> list[str]:
    with runtime.store.reading() as uow:
        return [item.body for item in outbox.pending(uow, channel=Channel.SMS)]


def reminders(runtime: Runtime) -> list[datetime]:
    with runtime.store.reading() as uow:
        return [j.run_at.astimezone(LA) for j in jobs.pending(uow, kinds=[REMINDER_JOB])]


def book_outback_sunday_2pm(runtime: Runtime) -> AppointmentRecord:
    assert "Outback" in say(runtime, "do you have a subaru outback?")
    assert "2:00 PM" in say(runtime, "yes, that one. sunday at 2pm?")
    with runtime.store.reading() as uow:
        shopper = customers.find_by_phone(uow, dealership_id=_dealer_id(runtime), phone=PHONE)
        assert shopper is not None
        [appt] = appointments.upcoming_for_customer(uow, customer_id=shopper.id)
    return appt


def _dealer_id(runtime: Runtime) -> int:
    with runtime.store.reading() as uow:
        return dealerships.get_dealership(uow, slug=SLUG).id


def test_a_booking_sends_the_rep_an_invite_and_the_shopper_two_reminders(
    runtime: Runtime, clock: FrozenClock
) -> None:
    appt = book_outback_sunday_2pm(runtime)
    # Sunday 2026-03-08 is the spring-forward day: 14:00 PDT is 21:00 UTC
    assert appt.starts_at == datetime(2026, 3, 8, 21, 0, tzinfo=ZoneInfo("UTC"))
    runtime.jobs.run_due()
    # 24 h before 14:00 PDT is 13:00 PST the day before (the clocks moved in between)
    assert reminders(runtime) == [
        datetime(2026, 3, 7, 13, 0, tzinfo=LA),
        datetime(2026, 3, 8, 12, 0, tzinfo=LA),
    ]
    mailer = runtime.mailer
    assert isinstance(mailer, LogMailer)
    [invite] = mailer.sent
    assert invite["To"] == "jake.thompson@harborpointhonda.example"  # on shift sunday
    assert "U2306" in invite["Subject"] and "Sun Mar 8 at 2:00 PM" in invite["Subject"]
    [calendar_part] = [p for p in invite.walk() if p.get_content_type() == "text/calendar"]
    parsed = icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True))
    [event] = parsed.walk("VEVENT")
    assert parsed["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2026, 3, 8, 14, 0, tzinfo=LA)

    before = len(texts_to_shopper(runtime))
    clock.set(datetime(2026, 3, 7, 13, 0, tzinfo=LA))
    runtime.jobs.run_due()
    [reminder] = texts_to_shopper(runtime)[before:]
    assert "Sun Mar 8 at 2:00 PM" in reminder and "Reply C" in reminder

    assert "confirmed" in say(runtime, "C").lower()
    with runtime.store.reading() as uow:
        assert appointments.get_appointment(uow, appointment_id=appt.id).status is (
            AppointmentStatus.CONFIRMED
        )


def test_no_reminder_after_a_cancellation_and_the_rep_gets_a_cancel(
    runtime: Runtime, clock: FrozenClock
) -> None:
    appt = book_outback_sunday_2pm(runtime)
    runtime.jobs.run_due()
    with runtime.store.unit_of_work() as uow:
        appointments.cancel_appointment(uow, appointment_id=appt.id)
    runtime.jobs.run_due()
    assert reminders(runtime) == []
    before = len(texts_to_shopper(runtime))
    clock.set(datetime(2026, 3, 8, 13, 0, tzinfo=LA))
    runtime.jobs.run_due()
    assert texts_to_shopper(runtime)[before:] == []
    mailer = runtime.mailer
    assert isinstance(mailer, LogMailer)
    methods = [
        icalendar.Calendar.from_ical(p.get_payload(decode=True))["METHOD"]
        for m in mailer.sent
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    ]
    assert methods == ["REQUEST", "CANCEL"]


def test_a_reminder_is_not_sent_to_a_shopper_who_texted_stop(
    runtime: Runtime, clock: FrozenClock
) -> None:
    book_outback_sunday_2pm(runtime)
    runtime.jobs.run_due()
    say(runtime, "STOP")
    before = len(texts_to_shopper(runtime))
    clock.set(datetime(2026, 3, 8, 12, 30, tzinfo=LA))
    runtime.jobs.run_due()
    assert texts_to_shopper(runtime)[before:] == []


def test_a_reschedule_moves_the_reminders_and_updates_the_invite(
    runtime: Runtime, clock: FrozenClock
) -> None:
    appt = book_outback_sunday_2pm(runtime)
    runtime.jobs.run_due()
    with runtime.store.unit_of_work() as uow:
        availability.reschedule(
            uow, appointment_id=appt.id, starts_at=datetime(2026, 3, 8, 16, 0, tzinfo=LA)
        )
    runtime.jobs.run_due()
    assert reminders(runtime) == [
        datetime(2026, 3, 7, 15, 0, tzinfo=LA),
        datetime(2026, 3, 8, 14, 0, tzinfo=LA),
    ]
    mailer = runtime.mailer
    assert isinstance(mailer, LogMailer)
    sequences = [
        [
            e["SEQUENCE"]
            for e in icalendar.Calendar.from_ical(p.get_payload(decode=True)).walk("VEVENT")
        ]
        for m in mailer.sent
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    ]
    assert sequences == [[0], [1]]


def book_outback_for_the_shopper(runtime: Runtime, starts_at: datetime) -> int:
    """Book the Outback for the shopper at `starts_at` straight in the store; the shopper's id."""
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=PHONE, source="test"
        )
        car = vehicles.get_vehicle(uow, dealership_id=dealer.id, stock="U2306")
        availability.book(
            uow,
            dealership_id=dealer.id,
            vehicle_id=car.id,
            starts_at=starts_at,
            customer_id=shopper.id,
            conversation_id=None,
        )
    return shopper.id


def test_reminders_never_land_in_quiet_hours(runtime: Runtime, clock: FrozenClock) -> None:
    # Saturday 09:00: 2 h before is 07:00, inside 21:00-08:00
    book_outback_for_the_shopper(runtime, datetime(2026, 3, 7, 9, 0, tzinfo=LA))
    runtime.jobs.run_due()
    # 24 h before (Friday 09:00) has passed already; 07:00 moves to the end of quiet hours
    assert reminders(runtime) == [datetime(2026, 3, 7, 8, 0, tzinfo=LA)]


def test_a_reminder_that_comes_due_at_night_waits_for_the_morning(
    runtime: Runtime, clock: FrozenClock
) -> None:
    book_outback_sunday_2pm(runtime)
    runtime.jobs.run_due()
    # the worker was down all Saturday afternoon and comes back at 22:30
    clock.set(datetime(2026, 3, 7, 22, 30, tzinfo=LA))
    before = len(texts_to_shopper(runtime))
    runtime.jobs.run_due()
    assert texts_to_shopper(runtime)[before:] == []
    with runtime.store.reading() as uow:
        [late, _] = jobs.pending(uow, kinds=[REMINDER_JOB])
    assert late.run_at.astimezone(LA) == datetime(2026, 3, 8, 8, 0, tzinfo=LA)
    clock.set(datetime(2026, 3, 8, 8, 0, tzinfo=LA))
    runtime.jobs.run_due()
    assert len(texts_to_shopper(runtime)[before:]) == 1
    with runtime.store.reading() as uow:
        assert jobs.get(uow, key=late.key).status is JobStatus.DONE  # type: ignore[union-attr]


def test_cant_make_it_asks_for_a_better_time_and_keeps_the_slot(runtime: Runtime) -> None:
    appt = book_outback_sunday_2pm(runtime)
    answer = say(runtime, "sorry something came up, I can't make it")
    assert "what day and time would work better" in answer.lower()
    with runtime.store.reading() as uow:
        kept = appointments.get_appointment(uow, appointment_id=appt.id)
    assert kept.status is AppointmentStatus.BOOKED and kept.starts_at == appt.starts_at


def test_quiet_hours_arithmetic_across_midnight() -> None:
    zone = "America/Los_Angeles"
    start, end = datetime(2026, 1, 1, 21).time(), datetime(2026, 1, 1, 8).time()

    def moved(local: datetime) -> datetime:
        return outside_quiet_hours(local.replace(tzinfo=LA), zone, start, end).astimezone(LA)

    assert moved(datetime(2026, 3, 6, 20, 59)) == datetime(2026, 3, 6, 20, 59, tzinfo=LA)
    assert moved(datetime(2026, 3, 6, 21, 0)) == datetime(2026, 3, 7, 8, 0, tzinfo=LA)
    assert moved(datetime(2026, 3, 7, 3, 0)) == datetime(2026, 3, 7, 8, 0, tzinfo=LA)
    assert moved(datetime(2026, 3, 7, 8, 0)) == datetime(2026, 3, 7, 8, 0, tzinfo=LA)


def test_the_shoppers_calendar_link(runtime: Runtime, clock: FrozenClock, models_dir: Path) -> None:
    appt = book_outback_sunday_2pm(runtime)
    with TestClient(create_app(runtime.settings, clock=clock, models_dir=models_dir)) as client:
        response = client.get(f"/appointments/{appt.token}.ics")
        guessed = client.get(f"/appointments/{appt.token[:-2]}xx.ics")
        by_id = client.get(f"/appointments/{appt.id}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 3, 8, 14, 0, tzinfo=LA)
    assert appt.token not in response.text
    assert guessed.status_code == 404 and by_id.status_code == 404


class Wording:
    """A stand-in for `agent.prompts.render` that says which template and values it got."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, dict[str, object]]] = []

    def __call__(self, key: str, seed: str = "", **values: object) -> str:
        self.asked.append((key, values))
        return f"<{key}>"


def test_the_follow_ups_read_their_hours_and_wording_from_what_they_are_given(
    runtime: Runtime, clock: FrozenClock
) -> None:
    config = BookingConfig(reminder_hours=(48, 3), quiet_start=time(22), quiet_end=time(9))
    wording, woken = Wording(), []
    follow_ups = AppointmentJobs(
        runtime.store, config, LogMailer(), texts=wording, on_queued=lambda: woken.append(1)
    )
    shopper_id = book_outback_for_the_shopper(runtime, datetime(2026, 3, 9, 11, 0, tzinfo=LA))
    with runtime.store.reading() as uow:
        [changed] = jobs.pending(uow, kinds=[CHANGED_JOB])
    follow_ups.changed(changed)
    # 48 h before is Saturday 10:00 PST; 3 h before (08:00) is inside 22:00-09:00, so 09:00
    assert reminders(runtime) == [
        datetime(2026, 3, 7, 10, 0, tzinfo=LA),
        datetime(2026, 3, 9, 9, 0, tzinfo=LA),
    ]

    clock.set(datetime(2026, 3, 7, 10, 0, tzinfo=LA))
    with runtime.store.reading() as uow:
        [first, _] = jobs.pending(uow, kinds=[REMINDER_JOB])
    follow_ups.remind(first)
    assert texts_to_shopper(runtime) == ["<reminder>"] and woken == [1]
    [(key, values)] = wording.asked
    assert key == "reminder" and values["when"] == "Mon Mar 9 at 11:00 AM"

    assert reply_to_reminder(runtime.store, shopper_id, "C", wording) == "<reminder_confirmed>"
    assert reply_to_reminder(runtime.store, shopper_id, "hello", wording) is None
