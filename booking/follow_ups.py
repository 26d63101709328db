"""What follows a booking, move or cancellation, as durable jobs: calendar invites to the
salesperson (e-mail), and SMS reminders to the shopper (24 h and 2 h before, by setting),
never in quiet hours, never for a cancelled appointment or an opted-out shopper.

The store queues an `appointment_changed` job in the same transaction as every change
(crm_store.appointments), so no change goes without its follow-up, even across a restart.
The composition root registers `AppointmentJobs.handlers()` with the job runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from booking.calendar import CalendarParts
from booking.config import BookingConfig
from booking.invites import invite_email
from booking.local_time import local_when, outside_quiet_hours
from booking.texts import Texts
from contracts.mail import Mailer
from contracts.redact import event
from crm_store import (
    appointments,
    conversations,
    customers,
    dealerships,
    jobs,
    outbox,
    vehicles,
)
from crm_store.appointments import CHANGED_JOB
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord, Postpone
from crm_store.records import AppointmentRecord, DealershipRecord
from crm_store.types import AppointmentStatus, Channel, Consent
from crm_store.uow import UnitOfWork

log = logging.getLogger("nightshift.appointments")  # the name operators and tests grep
REMINDER_JOB = "reminder"
INVITE_JOB = "invite"
STANDING = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


class AppointmentJobs:
    """The job handlers of an appointment's follow-ups. `texts` words the shopper's reminder;
    `on_queued` wakes the delivery of the outbox once a reminder is in it."""

    def __init__(
        self,
        store: Store,
        config: BookingConfig,
        mailer: Mailer,
        *,
        texts: Texts,
        on_queued: Callable[[], None],
    ) -> None:
        self.store = store
        self.config = config
        self.mailer = mailer
        self.texts = texts
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
        for hours in self.config.reminder_hours:
            at = outside_quiet_hours(
                appt.starts_at - timedelta(hours=hours),
                dealer.timezone,
                self.config.quiet_start,
                self.config.quiet_end,
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
                now, dealer.timezone, self.config.quiet_start, self.config.quiet_end
            )
            if allowed != now:
                if allowed >= appt.starts_at:
                    return
                raise Postpone(allowed)  # the worker was late: not at night, later
            shopper = customers.get_customer(uow, customer_id=appt.customer_id)
            if not shopper.phone or shopper.sms_consent is Consent.REVOKED:
                return
            car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id)
            text = self.texts(
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
        event(log, "reminder_queued", appointment=appt.id, hours=job.payload["hours"])
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
        link = f"{self.config.public_base_url}/appointments/{appt.token}.ics"
        ics = parts.ics(
            now=self.store.clock.now(), organizer_email=self.config.mail_from, link=link
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
                sender=self.config.mail_from,
                subject=subject,
                text=text,
            )
        )
