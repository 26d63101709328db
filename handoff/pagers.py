"""How staff are paged about a handoff (and, through `dispatch`, `mail` and `post_signed`,
an intent alert: `handoff.alerts`): SMS (reply 1 to take it), e-mail, a JSON webhook
signed with HMAC-SHA256, and the ADF lead e-mailed to the CRM. Each page is a durable job, so
a failed one is retried (transient failures) and a restart loses none."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx

from contracts.channels import Sender
from contracts.mail import Mailer
from contracts.messages import OutboundMessage
from contracts.redact import event
from crm_store import handoffs, jobs, staff
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord
from crm_store.records import HandoffRecord, StaffRecord
from crm_store.uow import UnitOfWork
from handoff import links
from handoff.adf import adf_lead
from handoff.config import HandoffConfig

log = logging.getLogger("nightshift.handoff")
STAFF_SMS_JOB = "staff_sms"
PAGE_EMAIL_JOB = "handoff_email"
PAGE_WEBHOOK_JOB = "handoff_webhook"
ADF_JOB = "handoff_adf"
REASON_WORDS = {
    "human_requested": "asked for a person",
    "negotiation": "price negotiation",
    "financing": "financing",
    "trade_in": "trade-in value",
    "complaint": "COMPLAINT",
    "purchase_intent": "READY TO BUY",
    "unanswered": "question the assistant could not answer",
    "other": "needs a person",
}
LAST_WORDS = 70  # characters of the shopper's last message in a page SMS


def reason_label(reason: str) -> str:
    """A handoff reason as a page shows it ("asked for a person", "ready to buy")."""
    return REASON_WORDS.get(reason, reason.replace("_", " ")).lower()


class Pagers:
    def __init__(
        self,
        store: Store,
        config: HandoffConfig,
        sms: Sender,
        mailer: Mailer,
        link: Callable[[int, int | None], str],
        http: httpx.Client | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.sms = sms
        self.mailer = mailer
        self.link = link
        self.http = http or httpx.Client(timeout=10)

    def handlers(self) -> dict[str, Handler]:
        return {
            STAFF_SMS_JOB: self.staff_sms,
            PAGE_EMAIL_JOB: self.page_email,
            PAGE_WEBHOOK_JOB: self.page_webhook,
            ADF_JOB: self.adf_email,
        }

    def queue(self, uow: UnitOfWork, found: HandoffRecord, member: StaffRecord, n: int) -> None:
        self.dispatch(
            uow,
            key=f"handoff:{found.id}:page:{n}",
            member=member,
            payload={"handoff_id": found.id, "staff_id": member.id},
            sms_text=lambda: self.page_text(uow, found, member),
            jobs_of=(PAGE_EMAIL_JOB, PAGE_WEBHOOK_JOB),
        )

    def dispatch(
        self,
        uow: UnitOfWork,
        *,
        key: str,
        member: StaffRecord,
        payload: dict[str, Any],
        sms_text: Callable[[], str],
        jobs_of: tuple[str, str],
    ) -> None:
        """Queue one page job per configured pager (`key:sms`, ...): the SMS with its text,
        the e-mail and webhook jobs (`jobs_of`, in that order) with `payload`."""
        email_job, webhook_job = jobs_of
        for pager in self.config.pagers:
            each = f"{key}:{pager}"
            if pager == "sms" and member.phone:
                body = {"to": member.phone, "body": sms_text()}
                jobs.schedule(uow, kind=STAFF_SMS_JOB, key=each, payload=body)
            elif pager == "email" and member.email:
                jobs.schedule(uow, kind=email_job, key=each, payload=payload)
            elif pager == "webhook" and self.config.webhook_url:
                jobs.schedule(uow, kind=webhook_job, key=each, payload=payload)

    def page_text(self, uow: UnitOfWork, found: HandoffRecord, member: StaffRecord) -> str:
        """A short page: why, who, what about, the lead score, the last words, how to take
        it, the link. The score's few characters come off the last words, so a page is no
        longer than one without it."""
        summary = found.summary or {}
        who = (
            (summary.get("customer") or {}).get("name")
            or (summary.get("customer") or {}).get("phone")
            or "a shopper"
        )
        cars = summary.get("vehicles") or []
        about = f" re {cars[0]['year']} {cars[0]['model']} ({cars[0]['stock']})" if cars else ""
        why = ", ".join(REASON_WORDS.get(r, r) for r in found.reasons)
        lead = summary.get("lead_score")  # absent from summaries stored before the score
        score = f", score {lead['value']}" if lead else ""
        last = str(summary.get("last_question") or "")[: LAST_WORDS - len(score)]
        return (
            f'Nightshift: {why} - {who}{about}{score}. "{last}" Reply 1 to take it. '
            f"{self.link(found.id, member.id)}"
        )

    def staff_sms(self, job: JobRecord) -> None:
        result = self.sms.send(
            OutboundMessage(0, 0, "sms", str(job.payload["to"]), str(job.payload["body"]), "system")
        )
        if not result.ok and not result.permanent:
            raise RuntimeError(f"page not sent: {result.error or result.error_code}")
        if not result.ok:
            event(log, "page_refused", level=logging.WARNING, code=result.error_code)

    def page_email(self, job: JobRecord) -> None:
        with self.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=int(job.payload["handoff_id"]))
            member = staff.get_staff(uow, staff_id=int(job.payload["staff_id"]))
        if not member.email:
            return
        why = ", ".join(REASON_WORDS.get(r, r) for r in found.reasons)
        self.mail(
            member.email,
            f"Handoff #{found.id}: {why}",
            summary_text(found.summary, self.link(found.id, member.id)),
        )

    def mail(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.config.mail_from
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        self.mailer.send(message)

    def page_webhook(self, job: JobRecord) -> None:
        if not self.config.webhook_url:
            return
        with self.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=int(job.payload["handoff_id"]))
            member = staff.get_staff(uow, staff_id=int(job.payload["staff_id"]))
        self.post_signed(
            {
                "event": "handoff.paged",
                "handoff_id": found.id,
                "reasons": list(found.reasons),
                "staff": {"handle": member.handle, "name": member.name},
                "link": self.link(found.id, member.id),
                "summary": found.summary,
            }
        )

    def post_signed(self, payload: dict[str, Any]) -> None:
        """POST `payload` as JSON to the webhook, signed with HMAC-SHA256 when a secret is
        set; an error answer raises, so the job is retried."""
        url = self.config.webhook_url
        if not url:
            return
        body = json.dumps(payload, sort_keys=True).encode()
        secret = self.config.webhook_secret
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Nightshift-Signature"] = f"sha256={digest}"
        response = self.http.post(url, content=body, headers=headers)
        if response.status_code >= 300:
            raise RuntimeError(f"webhook answered {response.status_code}")

    def adf_email(self, job: JobRecord) -> None:
        target = self.config.adf_lead_email
        if not target:
            return
        with self.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=int(job.payload["handoff_id"]))
        xml = adf_lead(found.summary)  # type: ignore[arg-type]
        message = EmailMessage()
        message["From"] = self.config.mail_from
        message["To"] = target
        message["Subject"] = f"ADF lead: handoff #{found.id}"
        message.set_content(xml.decode("utf-8"), subtype="xml")
        self.mailer.send(message)


def staff_url(config: HandoffConfig, path: str, now: datetime) -> str:
    """The signed, expiring address of a staff page (`handoff.links`) at `now`."""
    valid_for = timedelta(hours=config.staff_link_hours)
    return f"{config.public_base_url}{links.signed_path(config.signing_key, path, now, valid_for)}"


def summary_text(summary: dict[str, Any], link: str) -> str:
    """The summary as plain text (the page e-mail)."""
    customer = summary.get("customer") or {}
    score = summary.get("lead_score")  # absent from summaries stored before the score
    lines = [
        f"Reasons: {', '.join(summary.get('reasons') or [])}",
        *([f"Lead score: {score['text']}"] if score else []),
        f"Customer: {customer.get('name') or '-'}, {customer.get('phone') or '-'}, "
        f"{customer.get('email') or '-'} ({summary.get('channel', '-')})",
        f'Last message: "{summary.get("last_question", "")}"',
        f"Sentiment: {summary.get('sentiment', '-')}",
    ]
    for car in summary.get("vehicles") or []:
        lines.append(
            f"Vehicle: {car['year']} {car['make']} {car['model']} {car.get('trim') or ''}"
            f" stock {car['stock']} ${float(car['price']):,.0f} ({car['status']})"
        )
    if appt := summary.get("appointment"):
        lines.append(f"Appointment: {appt['starts_at']} {appt['stock']} with {appt.get('staff')}")
    for key in ("budget", "trade_in", "financing"):
        if summary.get(key):
            lines.append(f"{key.replace('_', '-').capitalize()}: {summary[key]}")
    lines += [f"Next step: {summary.get('next_step', '')}", f"Handoff page: {link}"]
    return "\n".join(lines)
