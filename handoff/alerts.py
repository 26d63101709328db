"""Intent alerts (`signals`) routed and paged like a handoff: the same ladder
(`handoff.ladder`: owner on shift, fair rotation, manager on duty; after hours queued for the
next shift, urgent ones to the on-call manager), the same pagers (SMS "reply 1", e-mail,
signed webhook), the same ack timeout that moves the page up the ladder, every decision a
step of the alert's trail (`crm_store.alerts`). The page links to the alert's signed page
(`ALERT_PAGE`), where the staff member acknowledges or resolves it.

An alert's route job is queued when it is written (`crm_store.alerts.create_alert`), in the
transaction of the events that fired it; a staff member's SMS "1" acks the alert or handoff
paged to them last (`HandoffFlow.staff_reply`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm_store import alerts, customers, staff
from crm_store.alerts import ROUTE_JOB, AlertRecord, AlertStepRecord
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord
from crm_store.records import CustomerRecord, StaffRecord
from crm_store.types import AlertStatus
from crm_store.uow import UnitOfWork
from handoff import ladder
from handoff.config import HandoffConfig
from handoff.pagers import Pagers, staff_url

# The alert's page as one staff member sees it (the path a link signs; `handoff.links`).
ALERT_PAGE = "/staff/alerts/{alert_id}/{staff_id}"
ACK_TIMEOUT_JOB = "alert_ack_timeout"
PAGE_EMAIL_JOB = "alert_email"
PAGE_WEBHOOK_JOB = "alert_webhook"
DONE = (AlertStatus.ACKED, AlertStatus.RESOLVED)


def alert_page(alert_id: int, staff_id: int) -> str:
    return ALERT_PAGE.format(alert_id=alert_id, staff_id=staff_id)


def who(shopper: CustomerRecord) -> str:
    """The customer as a page names them: their name, else their phone or e-mail."""
    return shopper.name or shopper.phone or shopper.email or "a shopper"


class AlertFlow:
    def __init__(self, store: Store, config: HandoffConfig, pagers: Pagers) -> None:
        self.store = store
        self.config = config
        self.pagers = pagers

    def handlers(self) -> dict[str, Handler]:
        return {
            ROUTE_JOB: self.route,
            ACK_TIMEOUT_JOB: self.ack_timeout,
            PAGE_EMAIL_JOB: self.page_email,
            PAGE_WEBHOOK_JOB: self.page_webhook,
        }

    def link(self, alert_id: int, staff_id: int) -> str:
        """The signed, expiring link to the alert's page, acting as `staff_id`."""
        return staff_url(self.config, alert_page(alert_id, staff_id), self.store.clock.now())

    def route(self, job: JobRecord) -> None:
        with self.store.unit_of_work() as uow:
            found = alerts.get_alert(uow, alert_id=int(job.payload["alert_id"]))
            if found.status in DONE or found.acked_at is not None:
                return
            ladder.climb(
                uow,
                _Alert(found, self),
                ack_minutes=self.config.ack_minutes,
                on_call=self.config.on_call_manager,
            )

    def ack_timeout(self, job: JobRecord) -> None:
        with self.store.unit_of_work() as uow:
            found = alerts.get_alert(uow, alert_id=int(job.payload["alert_id"]))
            ladder.timed_out(
                uow,
                _Alert(found, self),
                int(job.payload["staff_id"]),
                ack_minutes=self.config.ack_minutes,
                on_call=self.config.on_call_manager,
            )

    def queue_pages(self, uow: UnitOfWork, found: AlertRecord, member: StaffRecord, n: int) -> None:
        shopper = customers.get_customer(uow, customer_id=found.customer_id)
        self.pagers.dispatch(
            uow,
            key=f"alert:{found.id}:page:{n}",
            member=member,
            payload={"alert_id": found.id, "staff_id": member.id},
            sms_text=lambda: (
                f"Nightshift alert: {found.reason} - {who(shopper)}. Reply 1 to take it. "
                f"{self.link(found.id, member.id)}"
            ),
            jobs_of=(PAGE_EMAIL_JOB, PAGE_WEBHOOK_JOB),
        )

    def page_email(self, job: JobRecord) -> None:
        found, member, shopper = self._read(job)
        if not member.email:
            return
        contact = ", ".join(c for c in (shopper.phone, shopper.email) if c) or "-"
        text = "\n".join(
            [
                f"Alert: {found.reason}",
                f"Customer: {who(shopper)} ({contact})",
                f"Alert page (acknowledge, resolve): {self.link(found.id, member.id)}",
            ]
        )
        self.pagers.mail(member.email, f"Alert #{found.id}: {found.reason}", text)

    def page_webhook(self, job: JobRecord) -> None:
        if not self.config.webhook_url:
            return
        found, member, shopper = self._read(job)
        self.pagers.post_signed(
            {
                "event": "alert.paged",
                "alert_id": found.id,
                "rule": found.rule,
                "reason": found.reason,
                "urgent": found.urgent,
                "customer": {"name": shopper.name, "phone": shopper.phone, "email": shopper.email},
                "staff": {"handle": member.handle, "name": member.name},
                "link": self.link(found.id, member.id),
            }
        )

    def _read(self, job: JobRecord) -> tuple[AlertRecord, StaffRecord, CustomerRecord]:
        with self.store.reading() as uow:
            found = alerts.get_alert(uow, alert_id=int(job.payload["alert_id"]))
            member = staff.get_staff(uow, staff_id=int(job.payload["staff_id"]))
            shopper = customers.get_customer(uow, customer_id=found.customer_id)
        return found, member, shopper


@dataclass(frozen=True, slots=True)
class _Alert:
    """An alert on the ladder (`ladder.Subject`): its own store's steps, its pages."""

    found: AlertRecord
    flow: AlertFlow
    kind: str = "alert"
    route_job: str = ROUTE_JOB
    ack_job: str = ACK_TIMEOUT_JOB

    @property
    def urgent(self) -> bool:
        return self.found.urgent

    def steps(self, uow: UnitOfWork) -> list[AlertStepRecord]:
        return alerts.steps(uow, alert_id=self.found.id)

    def record(self, uow: UnitOfWork, action: str, staff_id: int, detail: dict[str, Any]) -> None:
        alerts.record_step(
            uow, alert_id=self.found.id, action=action, staff_id=staff_id, detail=detail
        )

    def page(self, uow: UnitOfWork, member: StaffRecord, rule: str, n: int) -> None:
        alerts.page(uow, alert_id=self.found.id, staff_id=member.id, rule=rule)
        self.flow.queue_pages(uow, self.found, member, n)

    def queue(self, uow: UnitOfWork, until: datetime, staff_id: int | None, rule: str) -> None:
        alerts.queue(uow, alert_id=self.found.id, until=until, staff_id=staff_id, rule=rule)
