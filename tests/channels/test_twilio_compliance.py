"""STOP/START/HELP end to end: signed webhook -> pipeline -> outbox. The keywords are the
pipeline's (nightshift.conversation.compliance); this proves the SMS channel reaches them intact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from crm_store import outbox
from crm_store.types import Author, Consent
from nightshift.runtime import Runtime
from tests.channels.conftest_twilio import (
    SMS_PATH,
    SyncInbox,
    build_app,
    shopper_record,
    signed_post,
    sms_form,
    transcript,
)


@pytest.fixture
def sync_client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(build_app(runtime, inbox=SyncInbox(runtime.pipeline))) as client:
        yield client


def _text(client: TestClient, body: str, sid: str) -> None:
    response = signed_post(client, SMS_PATH, sms_form(body, sid))
    assert response.status_code == 200


def _replies(runtime: Runtime) -> list[str]:
    return [m.body for m in transcript(runtime) if m.author is Author.ASSISTANT]


def _pending(runtime: Runtime) -> int:
    with runtime.store.unit_of_work() as uow:
        return outbox.pending_count(uow)


def _consent(runtime: Runtime) -> Consent:
    shopper = shopper_record(runtime)
    assert shopper is not None
    return shopper.sms_consent


def test_stop_silences_the_assistant_until_start(sync_client: TestClient, runtime: Runtime) -> None:
    _text(sync_client, "Stop", "SM200")
    [confirmation] = _replies(runtime)
    assert "unsubscribed" in confirmation.lower()
    assert _pending(runtime) == 1
    assert _consent(runtime) is Consent.REVOKED

    _text(sync_client, "do you have a civic?", "SM201")
    _text(sync_client, "STOP", "SM202")  # a second STOP gets no second confirmation
    assert _replies(runtime) == [confirmation]
    assert _pending(runtime) == 1
    assert [m.body for m in transcript(runtime) if m.author is Author.SHOPPER] == [
        "Stop",
        "do you have a civic?",
        "STOP",
    ]  # stored all the same

    _text(sync_client, "START", "SM203")
    assert _consent(runtime) is Consent.GRANTED
    assert "resubscribed" in _replies(runtime)[-1].lower()
    _text(sync_client, "how much is your doc fee", "SM204")
    assert "$85" in _replies(runtime)[-1]
    assert _pending(runtime) == 3


def test_help_answers_with_the_dealership_contact(
    sync_client: TestClient, runtime: Runtime
) -> None:
    _text(sync_client, "help", "SM210")
    [reply] = _replies(runtime)
    assert "Call us at (805) 555-0100" in reply and "Reply STOP" in reply
    assert _consent(runtime) is not Consent.REVOKED


def test_a_retried_stop_is_confirmed_once(sync_client: TestClient, runtime: Runtime) -> None:
    _text(sync_client, "STOP", "SM220")
    _text(sync_client, "STOP", "SM220")  # Twilio retried the same webhook
    assert len(_replies(runtime)) == 1 and _pending(runtime) == 1
