"""Sending one outreach attempt when its durable job comes due, through the normal outbound
path: the shopper's SMS conversation is opened (or reused) and the text stored in it and
queued in the outbox together, so a reply continues in the ordinary pipeline with the
outreach in the history.

Everything is checked again at send time, because it may have changed since the campaign
started: consent (a STOP in between suppresses it as `opted_out`), the vehicle it offers (sold
or deleted in between: `vehicle_gone`, no stale offer), the cap, and the recipient's window (a
worker running late at night defers it to the morning). The text is the campaign's template
filled in then, from the store (the vehicle's current price), and is stored as the system's
(automated), not as an assistant's reply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from contracts.redact import event
from crm_store import conversations, dealerships, outbox, outreach, vehicles
from crm_store.db import Store
from crm_store.jobs import Handler, JobRecord, Postpone
from crm_store.outreach import AttemptReason, AttemptStatus, CampaignStatus
from crm_store.types import Author, Channel
from signals import alerting
from signals.outreach import (
    about_vehicle,
    barred,
    next_allowed,
    over_cap,
    recipient_zone,
    render,
    vehicle_gone,
    with_disclosure,
)
from signals.outreach_campaign import OUTREACH_JOB
from signals.outreach_config import OutreachConfig

log = logging.getLogger("nightshift.outreach")


class OutreachJobs:
    """The job handler of outreach sends; `on_queued` wakes the outbox's delivery."""

    def __init__(
        self,
        store: Store,
        config: OutreachConfig | None = None,
        *,
        on_queued: Callable[[], None],
    ) -> None:
        self.store = store
        self.config = config  # None: each dealership's own (`signals: {outreach: ...}`)
        self.on_queued = on_queued

    def handlers(self) -> dict[str, Handler]:
        return {OUTREACH_JOB: self.send}

    def send(self, job: JobRecord) -> None:
        attempt_id = int(job.payload["attempt_id"])
        with self.store.unit_of_work() as uow:
            attempt = outreach.get_attempt(uow, attempt_id=attempt_id)
            campaign = outreach.get_campaign(uow, campaign_id=attempt.campaign_id)
            if attempt.status is not AttemptStatus.QUEUED:
                return
            if campaign.status is not CampaignStatus.RUNNING:
                return
            [person] = outreach.recipients(uow, customer_ids=[attempt.customer_id])
            now = uow.now()
            config = (
                self.config
                or alerting.load(uow, dealership_id=attempt.dealership_id).config.outreach
            )
            about = [attempt.vehicle_id] if attempt.vehicle_id is not None else []
            vehicle = next(iter(vehicles.vehicles_by_ids(uow, vehicle_ids=about)), None)
            reason = barred(consent=person.consent, phone=person.phone)
            if (
                reason is None
                and about_vehicle(campaign.kind, campaign.template)
                and vehicle_gone(vehicle)
            ):
                reason = AttemptReason.VEHICLE_GONE
            if reason is None and over_cap(
                outreach.outreach_times(
                    uow,
                    customer_id=person.customer_id,
                    since=now - timedelta(days=config.cap_days),
                    queued=False,
                ),
                now,
                config,
            ):
                reason = AttemptReason.CAP
            if reason is not None:
                outreach.suppress(uow, attempt_id=attempt_id, reason=reason)
                event(log, "outreach_suppressed", attempt=attempt_id, reason=reason.value)
                return
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=attempt.dealership_id)
            zone = recipient_zone(person.timezone, person.phone, dealer.timezone)
            allowed = next_allowed(now, zone, config)
            if allowed != now:
                outreach.defer(uow, attempt_id=attempt_id, until=allowed)
            else:
                assert person.phone is not None  # `barred` said no_phone otherwise
                convo, _ = conversations.open_conversation(
                    uow,
                    dealership_id=dealer.id,
                    customer_id=person.customer_id,
                    channel=Channel.SMS,
                )
                text = render(
                    campaign.template, dealership=dealer.name, name=person.name, vehicle=vehicle
                )
                sent = outbox.send_message(
                    uow,
                    conversation_id=convo.id,
                    channel=Channel.SMS,
                    recipient=person.phone,
                    body=with_disclosure(text, dealership=dealer.name, config=config),
                    author=Author.SYSTEM,
                )
                outreach.mark_sent(
                    uow, attempt_id=attempt_id, message_id=sent.id, conversation_id=convo.id
                )
        if allowed != now:
            event(log, "outreach_deferred", attempt=attempt_id)
            raise Postpone(allowed)  # the deferral above is committed; the job moves with it
        event(log, "outreach_queued", attempt=attempt_id, campaign=campaign.id)
        self.on_queued()
