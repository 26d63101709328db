"""From escalation to a person: the structured summary, the routing ladder, ack timeouts
that reroute, and the staff's SMS replies to a page (the pages themselves: `pagers`). Every
step is a durable job (crm_store.jobs), so a restart loses no page and a failed page is
retried; every decision is in the handoff's audit trail.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from contracts.channels import Sender
from contracts.dialogue import Slots
from contracts.mail import Mailer
from contracts.messages import MAX_TURN_TEXT, InboundMessage
from crm_store import (
    alerts,
    appointments,
    conversations,
    customers,
    dealerships,
    handoffs,
    jobs,
    messages,
    staff,
    vehicles,
)
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.handoffs import ROUTE_JOB
from crm_store.jobs import Handler, JobRecord
from crm_store.phones import normalise_phone
from crm_store.records import HandoffRecord, StaffRecord, VehicleRecord
from crm_store.types import Author, HandoffStatus
from crm_store.uow import UnitOfWork
from handoff import details, ladder, links
from handoff.alerts import AlertFlow
from handoff.config import HandoffConfig
from handoff.detect import URGENT_REASONS, sentiment
from handoff.pagers import ADF_JOB, STAFF_SMS_JOB, Pagers, staff_url
from handoff.summary import LeadScorer, ShopperFacts, Summary, build_summary

log = logging.getLogger("nightshift.handoff")
ACK_TIMEOUT_JOB = "handoff_ack_timeout"
ACK_WORDS = re.compile(r"^\W*(1|ok|okay|ack|yes|y|got it|on it|mine|claim|taking it)\W*$", re.I)


class HandoffFlow:
    def __init__(
        self,
        store: Store,
        config: HandoffConfig,
        sms: Sender,
        mailer: Mailer,
        slots_of: Callable[[int], Slots],
        http: httpx.Client | None = None,
        score_of: LeadScorer | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.slots_of = slots_of
        self.score_of = score_of
        self.key = config.signing_key
        self.pagers = Pagers(store, config, sms, mailer, self.link, http)
        self.alerts = AlertFlow(store, config, self.pagers)

    def handlers(self) -> dict[str, Handler]:
        return {
            ROUTE_JOB: self.route,
            ACK_TIMEOUT_JOB: self.ack_timeout,
            **self.pagers.handlers(),
            **self.alerts.handlers(),
        }

    def link(self, handoff_id: int, staff_id: int | None) -> str:
        """The signed, expiring link to the handoff page, acting as `staff_id`."""
        path = links.staff_page(handoff_id, staff_id or 0)
        return staff_url(self.config, path, self.store.clock.now())

    # -- summary ------------------------------------------------------------------------

    def summarize(self, handoff_id: int, slots: Slots | None = None) -> Summary:
        """(Re)build the handoff's structured summary from the store and the conversation's
        slots, and write it into the handoff and the customer's timeline."""
        with self.store.unit_of_work() as uow:
            found = handoffs.get_handoff(uow, handoff_id=handoff_id)
            state = slots if slots is not None else self.slots_of(found.conversation_id)
            summary = self._summary(uow, found, state)
            handoffs.set_summary(uow, handoff_id=handoff_id, summary=dict(summary))
        return summary

    def _summary(self, uow: UnitOfWork, found: HandoffRecord, slots: Slots) -> Summary:
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=found.dealership_id)
        shopper = customers.get_customer(uow, customer_id=found.customer_id)
        convo = conversations.get_conversation(uow, conversation_id=found.conversation_id)
        texts = [  # each as the assistant read it (the stored message may be longer)
            m.body[:MAX_TURN_TEXT]
            for m in messages.list_messages(uow, conversation_id=convo.id)
            if m.author is Author.SHOPPER
        ]
        last = texts[-1] if texts else ""
        interest = slots.get("vehicle_of_interest")
        stocks = [interest] if interest else list(slots.get("vehicles_shown") or [])[:3]
        cars: list[VehicleRecord] = []
        for stock in (s for s in stocks if s):
            try:
                cars.append(vehicles.get_vehicle(uow, dealership_id=dealer.id, stock=str(stock)))
            except NotFound:
                continue
        upcoming = appointments.upcoming_for_customer(uow, customer_id=shopper.id)
        appt = upcoming[0] if upcoming else None
        appt_car = vehicles.get_vehicle_by_id(uow, vehicle_id=appt.vehicle_id) if appt else None
        appt_rep = staff.get_staff(uow, staff_id=appt.staff_id) if appt and appt.staff_id else None
        if appt_car is not None and all(c.stock != appt_car.stock for c in cars):
            cars.insert(0, appt_car)
        base = self.config.public_base_url
        facts = ShopperFacts(
            budget=slots.get("budget") or details.budget(texts),
            trade_in=details.trade_in(texts) or slots.get("trade_in"),
            financing=details.financing(texts) or slots.get("financing"),
        )
        return build_summary(
            handoff_id=found.id,
            created_at=found.created_at,
            dealership=dealer,
            customer=shopper,
            channel=convo.channel.value,
            reasons=found.reasons,
            confidence=found.confidence,
            facts=facts,
            vehicles=cars[:4],
            appointment=appt,
            appointment_vehicle=appt_car,
            appointment_staff=appt_rep,
            last_question=last,
            sentiment=sentiment(" ".join(texts[-3:])),
            transcript_url=f"{base}/staff/handoffs/{found.id}#transcript",
            lead_score=self.score_of(uow, found, facts) if self.score_of else None,
        )

    # -- routing ------------------------------------------------------------------------

    def route(self, job: JobRecord) -> None:
        handoff_id = int(job.payload["handoff_id"])
        with self.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=handoff_id)
        if found.status in (HandoffStatus.CLAIMED, HandoffStatus.RESOLVED) or found.acked_at:
            return
        if not found.summary:
            self.summarize(handoff_id)
        with self.store.unit_of_work() as uow:
            first = not handoffs.paged_staff(uow, handoff_id=handoff_id)
            self._route(uow, handoffs.get_handoff(uow, handoff_id=handoff_id))
            if first and self.config.adf_lead_email:
                jobs.schedule(
                    uow, kind=ADF_JOB, key=f"handoff:{handoff_id}:adf", payload=job.payload
                )

    def ack_timeout(self, job: JobRecord) -> None:
        with self.store.unit_of_work() as uow:
            found = handoffs.get_handoff(uow, handoff_id=int(job.payload["handoff_id"]))
            ladder.timed_out(
                uow,
                _Handoff(found, self.pagers),
                int(job.payload["staff_id"]),
                ack_minutes=self.config.ack_minutes,
                on_call=self.config.on_call_manager,
            )

    def _route(self, uow: UnitOfWork, found: HandoffRecord) -> None:
        ladder.climb(
            uow,
            _Handoff(found, self.pagers),
            ack_minutes=self.config.ack_minutes,
            on_call=self.config.on_call_manager,
        )

    # -- the staff member's SMS answer to a page -----------------------------------------

    def staff_member(self, dealership: str, phone: str) -> StaffRecord | None:
        try:
            e164 = normalise_phone(phone)
        except ValueError:
            return None
        with self.store.reading() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=dealership)
            return staff.find_staff_by_phone(uow, dealership_id=dealer_id, phone=e164)

    def staff_message(self, member: StaffRecord, inbound: InboundMessage) -> None:
        """Handle a staff member's text (idempotently by its message id): the answer is a
        queued job; nothing is stored as a shopper's message and no assistant turn follows."""
        answer = self.staff_reply(member, inbound.body)
        key = f"staff-sms:{inbound.channel_message_id or secrets.token_hex(8)}"
        with self.store.unit_of_work() as uow:
            jobs.schedule(
                uow, kind=STAFF_SMS_JOB, key=key, payload={"to": inbound.sender, "body": answer}
            )

    def staff_reply(self, member: StaffRecord, text: str) -> str:
        """Ack the latest page to `member` ("1", "ok", ...), a handoff's or an alert's,
        whichever was paged to them last; the text to send back."""
        if not ACK_WORDS.match(text):
            return "Nightshift: reply 1 to take the latest handoff or alert paged to you."
        with self.store.unit_of_work() as uow:
            waiting = handoffs.awaiting_ack_by(uow, staff_id=member.id)
            alert = alerts.awaiting_ack_by(uow, staff_id=member.id)
            if alert is not None and (
                waiting is None or alert[1] > _paged_at(uow, waiting.id, member.id)
            ):
                alerts.ack(uow, alert_id=alert[0].id, staff_id=member.id, via="sms")
                link = self.alerts.link(alert[0].id, member.id)
            elif waiting is not None:
                handoffs.ack(uow, handoff_id=waiting.id, staff_id=member.id, via="sms")
                link = self.link(waiting.id, member.id)
            else:
                return "Nightshift: no handoff or alert is waiting for you right now."
        first = member.name.split()[0]
        return f"Thanks {first}, it's yours: {link}"


def _paged_at(uow: UnitOfWork, handoff_id: int, staff_id: int) -> datetime:
    """When the handoff was last paged to `staff_id`."""
    return max(
        s.at
        for s in handoffs.steps(uow, handoff_id=handoff_id)
        if s.action in ladder.PAGED and s.staff_id == staff_id
    )


@dataclass(frozen=True, slots=True)
class _Handoff:
    """A handoff on the ladder (`ladder.Subject`): its own store's steps, its pages."""

    found: HandoffRecord
    pagers: Pagers
    kind: str = "handoff"
    route_job: str = ROUTE_JOB
    ack_job: str = ACK_TIMEOUT_JOB

    @property
    def urgent(self) -> bool:
        return self.found.urgent or bool(URGENT_REASONS & set(self.found.reasons))

    def steps(self, uow: UnitOfWork) -> list[handoffs.HandoffStepRecord]:
        return handoffs.steps(uow, handoff_id=self.found.id)

    def record(self, uow: UnitOfWork, action: str, staff_id: int, detail: dict[str, Any]) -> None:
        handoffs.record_step(
            uow, handoff_id=self.found.id, action=action, staff_id=staff_id, detail=detail
        )

    def page(self, uow: UnitOfWork, member: StaffRecord, rule: str, n: int) -> None:
        handoffs.page(uow, handoff_id=self.found.id, staff_id=member.id, rule=rule)
        self.pagers.queue(uow, self.found, member, n)

    def queue(self, uow: UnitOfWork, until: datetime, staff_id: int | None, rule: str) -> None:
        handoffs.queue(uow, handoff_id=self.found.id, until=until, staff_id=staff_id, rule=rule)
