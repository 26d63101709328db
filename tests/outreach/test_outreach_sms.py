"""Outreach in the real runtime, through the signed Twilio webhook and the pipeline: the
shopper's answer to an outreach text continues in the same conversation, and an opt-out in
plain words ends every pending campaign at once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import customers, dealerships, outbox, outreach
from crm_store.outreach import AttemptReason, AttemptStatus, CampaignKind
from crm_store.types import Author, Consent
from nightshift.runtime import Runtime
from signals.outreach_campaign import start_campaign
from signals.outreach_config import OutreachConfig
from tests.channels.conftest_twilio import (
    SHOPPER,
    SLUG,
    SMS_PATH,
    SyncInbox,
    build_app,
    signed_post,
    sms_form,
    transcript,
)
from tests.outreach.world import local


@pytest.fixture
def sync_client(runtime: Runtime, clock: FrozenClock) -> Iterator[TestClient]:
    clock.set(local(10, 0, day=9))  # a Monday morning in Ventura
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer.id, phone=SHOPPER, source="showroom"
        )
        customers.record_consent(
            uow, customer_id=shopper.id, state=Consent.GRANTED, source="showroom_form"
        )
    with TestClient(build_app(runtime, inbox=SyncInbox(runtime.pipeline))) as client:
        yield client


def _campaign(runtime: Runtime, message: str) -> int:
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        started = start_campaign(
            uow,
            dealer=dealer,
            kind=CampaignKind.CUSTOM,
            created_by="manager",
            config=OutreachConfig(cap_count=5),
            message=message,
            phones=[SHOPPER],
        )
    return started.campaign.id


def _text(client: TestClient, body: str, sid: str) -> None:
    assert signed_post(client, SMS_PATH, sms_form(body, sid)).status_code == 200


def test_the_shoppers_answer_continues_the_outreach_conversation(
    sync_client: TestClient, runtime: Runtime
) -> None:
    campaign = _campaign(runtime, "Our spring service special ends Friday.")
    assert runtime.jobs.run_due() == 1
    _text(sync_client, "how much is your doc fee", "SM901")
    said = [(m.author, m.body) for m in transcript(runtime)]
    assert said[0][0] is Author.SYSTEM and said[0][1].startswith("Our spring service")
    assert said[1] == (Author.SHOPPER, "how much is your doc fee")
    assert said[2][0] is Author.ASSISTANT and "$85" in said[2][1]  # one conversation
    with runtime.store.reading() as uow:
        [attempt] = outreach.list_attempts(uow, campaign_id=campaign)
        assert attempt.status is AttemptStatus.SENT
        assert attempt.conversation_id == transcript(runtime)[0].conversation_id


def test_stop_texting_me_ends_every_pending_campaign(
    sync_client: TestClient, runtime: Runtime, clock: FrozenClock
) -> None:
    first = _campaign(runtime, "The 2026 CR-V you looked at dropped $1,000.")
    second = _campaign(runtime, "Your lease ends in three months.")
    _text(sync_client, "Stop texting me", "SM902")
    clock.advance(timedelta(minutes=5))
    runtime.jobs.run_due()  # the two outreach sends come due (and any job of the turn)
    [(author, reply)] = [(m.author, m.body) for m in transcript(runtime)][1:]
    assert author is Author.ASSISTANT and "unsubscribed" in reply  # the STOP confirmation
    with runtime.store.reading() as uow:
        assert outbox.total(uow) == 1  # only the confirmation, no outreach
        for campaign in (first, second):
            [attempt] = outreach.list_attempts(uow, campaign_id=campaign)
            assert (attempt.status, attempt.reason) == (
                AttemptStatus.SUPPRESSED,
                AttemptReason.OPTED_OUT,
            )
