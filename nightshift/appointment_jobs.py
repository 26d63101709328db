"""What follows a booking, move or cancellation, as durable jobs: calendar invites to the
salesperson (e-mail), and SMS reminders to the shopper (24 h and 2 h before, by setting),
never in quiet hours, never for a cancelled appointment or an opted-out shopper.

The store queues an `appointment_changed` job in the same transaction as every change
(crm_store.appointments), so no change goes without its follow-up, even across a restart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from agent import prompts
from booking.invites import appointment_ics, invite_email
from contracts.mail import Mailer
from crm_store import (
    appointments,
    conversations,
    customers,
    dealerships,
    jobs,
    outbox,
    staff,
    vehicles,
)
from crm_store.appointments import CHANGED_JOB
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord, Postpone
from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
    StaffRecord,
    VehicleRecord,
)
from crm_store.types import AppointmentStatus, Channel, Consent
from crm_store.uow import UnitOfWork
from nightshift.infra import logs
from nightshift.settings import Settings

log = logging.getLogger("nightshift.appointments")
REMINDER_JOB = "reminder"
INVITE_JOB = "invite"
STANDING = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


def local_when(at: datetime, zone: str) -> str:
    """'Sat Mar 7 at 10:00 AM' in the dealership's time zone."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local:%a %b} {local.day} at {local:%I:%M %p}".replace(" 0", " ")


def outside_quiet_hours(at: datetime, zone: str, quiet_start: time, quiet_end: time) -> datetime:
    """`at`, or the end of the quiet hours it falls in (dealership-local, e.g. 21:00-08:00)."""
    local = at.astimezone(ZoneInfo(zone))
    now = local.time()
    quiet = (
        quiet_start <= now or now < quiet_end
        if quiet_start > quiet_end
        else quiet_start <= now < quiet_end
    )
    if not quiet:
        return at
    day = local.date() if now < quiet_end else local.date() + timedelta(days=1)
    return datetime.combine(day, quiet_end, tzinfo=ZoneInfo(zone))


class AppointmentJobs:
    def __init__(
        self, store: Store, settings: Settings, mailer: Mailer, on_queued: Callable[[], None]
    ) -> None:
        self.store = store
        self.settings = settings
        self.mailer = mailer
        self.on_queued = on_queued

    def handlers(self) -> dict[str, Handler]:
        return {
            CHANGED_JOB: self.changed,
            REMINDER_JOB: self.remind,
            INVITE_JOB: self.invite,
        }

    # -- a booking, move or cancellation -------------------------------------------------

    def changed(self, job: JobRecord) -> None:
        with self.store.unit_of_work() as uow:
            appt = appointments.get_appointment(uow, appointment_id=job.payload["appointment_id"])
            if appt.sequence != job.payload["sequence"]:
                return  # a later change has its own job
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id)
            jobs.cancel(
                uow,
                key_prefix=f"reminder:{appt.id}:",
                keep_prefix=f"reminder:{appt.id}:{appt.sequence}:",
            )
            if appt.status in STANDING:
                self._schedule_reminders(uow, appt, dealer)
            if appt.staff_id is not None:
                jobs.schedule(
                    uow,
                    kind=INVITE_JOB,
                    key=f"invite:{appt.id}:{appt.sequence}",
                    payload={"appointment_id": appt.id, "sequence": appt.sequence},
                )

    def _schedule_reminders(
        self, uow: UnitOfWork, appt: AppointmentRecord, dealer: DealershipRecord
    ) -> None:
        for hours in self.settings.reminder_offsets:
            at = outside_quiet_hours(
                appt.starts_at - timedelta(hours=hours),
                dealer.timezone,
                self.settings.quiet_hours_start,
                self.settings.quiet_hours_end,
            )
            if at <= uow.now() or at >= appt.starts_at:
                continue  # booked too late for this one, or it would land after the start
            jobs.schedule(
                uow,
                kind=REMINDER_JOB,
                key=f"reminder:{appt.id}:{appt.sequence}:{hours}h",
                run_at=at,
                payload={"appointment_id": appt.id, "sequence": appt.sequence, "hours": hours},
            )

    # -- the shopper's reminder ----------------------------------------------------------

    def remind(self, job: JobRecord) -> None:
        with self.store.unit_of_work() as uow:
            appt = appointments.get_appointment(uow, appointment_id=job.payload["appointment_id"])
            now = uow.now()
            if (
                appt.status not in STANDING
                or appt.sequence != job.payload["sequence"]
                or appt.customer_id is None
                or now >= appt.starts_at
            ):
                return
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id)
            allowed = outside_quiet_hours(
                now,
                dealer.timezone,
                self.settings.quiet_hours_start,
                self.settings.quiet_hours_end,
            )
            if allowed != now:
                if allowed >= appt.starts_at:
                    return
                raise Postpone(allowed)  # the worker was late: not at night, later
            shopper = customers.get_customer(uow, customer_id=appt.customer_id)
            if not shopper.phone or shopper.sms_consent is Consent.REVOKED:
                return
            car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id)
            text = prompts.render(
                "reminder",
                dealership=dealer.name,
                title=car.title,
                when=local_when(appt.starts_at, dealer.timezone),
                address=dealer.address or dealer.name,
            )
            convo, _ = conversations.open_conversation(
                uow, dealership_id=dealer.id, customer_id=shopper.id, channel=Channel.SMS
            )
            outbox.send_message(
                uow,
                conversation_id=convo.id,
                channel=Channel.SMS,
                recipient=shopper.phone,
                body=text,
            )
        logs.event(log, "reminder_queued", appointment=appt.id, hours=job.payload["hours"])
        self.on_queued()

    # -- the salesperson's calendar ------------------------------------------------------

    def invite(self, job: JobRecord) -> None:
        with self.store.reading() as uow:
            appt = appointments.get_appointment(uow, appointment_id=job.payload["appointment_id"])
            if appt.sequence != job.payload["sequence"] or appt.staff_id is None:
                return
            parts = CalendarParts.load(uow, appt)
        if parts.staff is None or not parts.staff.email:
            return
        link = f"{self.settings.public_base_url}/appointments/{appt.token}.ics"
        ics = parts.ics(
            now=self.store.clock.now(), organizer_email=self.settings.mail_from, link=link
        )
        when = local_when(appt.starts_at, parts.dealership.timezone)
        car, shopper = parts.vehicle, parts.customer
        verb = "Cancelled" if parts.method == "CANCEL" else "Test drive"
        subject = f"{verb}: {car.title} (stock {car.stock}), {when}"
        who = (shopper.name or shopper.phone or "a shopper") if shopper else "a walk-in"
        text = f"{verb} with {who}: {car.title}, stock {car.stock}, {when}.\n{link}\n"
        self.mailer.send(
            invite_email(
                ics=ics,
                method=parts.method,
                to=parts.staff.email,
                sender=self.settings.mail_from,
                subject=subject,
                text=text,
            )
        )


@dataclass(frozen=True)
class CalendarParts:
    """Everything a calendar file of one appointment shows, read in one unit of work."""

    appointment: AppointmentRecord
    dealership: DealershipRecord
    vehicle: VehicleRecord
    staff: StaffRecord | None
    customer: CustomerRecord | None

    @classmethod
    def load(cls, uow: UnitOfWork, appt: AppointmentRecord) -> CalendarParts:
        return cls(
            appt,
            dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id),
            vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id),
            staff.get_staff(uow, staff_id=appt.staff_id) if appt.staff_id else None,
            customers.get_customer(uow, customer_id=appt.customer_id) if appt.customer_id else None,
        )

    @property
    def method(self) -> Literal["REQUEST", "CANCEL"]:
        """A cancelled appointment's file removes the event from the calendar."""
        cancelled = self.appointment.status is AppointmentStatus.CANCELLED
        return "CANCEL" if cancelled else "REQUEST"

    def ics(self, *, now: datetime, organizer_email: str, link: str | None = None) -> bytes:
        return appointment_ics(
            appointment=self.appointment,
            dealership=self.dealership,
            vehicle=self.vehicle,
            staff=self.staff,
            customer=self.customer,
            method=self.method,
            now=now,
            organizer_email=organizer_email,
            link=link,
        )


CONFIRM = re.compile(r"^\W*(c|confirm(ed)?|yes,? ?(c|confirm(ed)?)|i confirm|confirming)\W*$", re.I)
CANNOT = re.compile(
    r"\b(can'?t|cannot|won'?t be able to|unable to|not able to) make it\b"
    r"|\bneed to (re-?schedule|move it|change (the )?time)\b",
    re.I,
)


CANCEL = re.compile(r"\b(cancel|call (it )?off)\b", re.I)


def reply_to_reminder(store: Store, shopper_id: int, text: str) -> str | None:
    """The answer to "C" (confirms the shopper's next test drive) or "can't make it" (asks
    for a better time; the slot stays held until it is moved); None for anything else, or
    when the shopper has no upcoming test drive."""
    confirm, cannot = CONFIRM.match(text), CANNOT.search(text)
    if not (confirm or cannot) or (cannot and CANCEL.search(text)):
        return None  # "can't make it, cancel it": the assistant cancels
    with store.unit_of_work() as uow:
        upcoming = appointments.upcoming_for_customer(uow, customer_id=shopper_id)
        if not upcoming:
            return None
        appt = upcoming[0]
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=appt.dealership_id)
        car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id)
        when = local_when(appt.starts_at, dealer.timezone)
        if confirm:
            appointments.confirm(uow, appointment_id=appt.id)
            return prompts.render("reminder_confirmed", str(appt.id), title=car.title, when=when)
    return prompts.render("reminder_reschedule", str(appt.id), when=when)
