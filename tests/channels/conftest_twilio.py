"""Shared fixtures for the Twilio channel tests (import them explicitly: the fixture
functions are named `*_fixture` and registered as `runtime` and `client`).

The edges faked here are the true ones: Twilio's REST API, through the SDK's own
`HttpClient` seam answering with Twilio's real JSON, and Twilio's webhook requests, signed
with the SDK's `RequestValidator`. Everything inside (pipeline, store, outbox) is real.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator

from channels.twilio import twilio_router
from contracts.channels import Inbox
from contracts.messages import Accepted, InboundMessage
from crm_store import conversations, customers, dealerships, jobs, messages
from crm_store.records import CustomerRecord, MessageRecord
from nightshift.conversation.pipeline import Pipeline
from nightshift.conversation.turns import INBOUND_JOB
from nightshift.runtime import Runtime

SLUG = "harbor-point-honda"
DEALER_PHONE = "+18055550100"
SHOPPER = "+18055550142"
ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "12345678901234567890123456789012"
PUBLIC = "https://nightshift.example.com"
SMS_PATH = "/channels/twilio/sms"
STATUS_PATH = "/channels/twilio/status"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def dealership_for(to: str) -> str:
    if to != DEALER_PHONE:
        raise LookupError(to)
    return SLUG


class SyncInbox:
    """The real pipeline, with the turn run before the webhook answers instead of after.

    For tests that must see that a turn produced *no* reply (opted out, repeat STOP), which
    polling cannot prove; everything else goes through the pipeline's own background path.
    """

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def accept(self, inbound: InboundMessage) -> Accepted:
        return self.pipeline.accept(inbound)

    def process_later(self, accepted: Accepted) -> None:
        self.pipeline.process(accepted)

    def receive(self, inbound: InboundMessage) -> bool:
        accepted = self.accept(inbound)
        self.process_later(accepted)
        return accepted.created


def build_app(
    runtime: Runtime, *, auth_token: str | None = AUTH_TOKEN, inbox: Inbox | None = None
) -> FastAPI:
    app = FastAPI()
    app.include_router(
        twilio_router(
            inbox=inbox or runtime.pipeline,
            store=runtime.store,
            auth_token=auth_token,
            public_base_url=PUBLIC + "/",  # a trailing slash must not break the signed URL
            dealership_for=dealership_for,
        )
    )
    return app


@pytest.fixture(name="client")
def client_fixture(runtime: Runtime) -> Iterator[TestClient]:
    """The app as a proxy sees it: requests arrive at http://testserver, not at PUBLIC.
    The job runner takes the turns queued by the webhook, as in the server."""
    runtime.jobs.start()
    with TestClient(build_app(runtime)) as test_client:
        yield test_client


def signed_post(
    client: TestClient,
    path: str,
    params: dict[str, str],
    *,
    signed_url: str | None = None,
    token: str = AUTH_TOKEN,
) -> Any:
    """POST a form the way Twilio does: urlencoded, signed over the public URL."""
    url = signed_url or PUBLIC + path
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def sms_form(body: str, sid: str, *, sender: str = SHOPPER, **extra: str) -> dict[str, str]:
    """Twilio's inbound-message webhook parameters, as Twilio sends them."""
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "VENTURA",
        "FromZip": "93001",
        "SmsSid": sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "VENTURA",
        "Body": body,
        "FromCountry": "US",
        "To": DEALER_PHONE,
        "ToZip": "93001",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def status_form(sid: str, status: str, error_code: str | None = None) -> dict[str, str]:
    form = {
        "SmsSid": sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": SHOPPER,
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": DEALER_PHONE,
        "ApiVersion": "2010-04-01",
    }
    if error_code:
        form["ErrorCode"] = error_code
    return form


def wait_until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll until the background turn has done its work (bounded; fails loudly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout}s")


def shopper_record(runtime: Runtime, phone: str = SHOPPER) -> CustomerRecord | None:
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        return customers.find_by_phone(uow, dealership_id=dealer.id, phone=phone)


def received(runtime: Runtime) -> list[tuple[str, str]]:
    """(MessageSid, body) of every message the webhook stored for the pipeline, at once
    durable (the inbound jobs), whether or not the job runner has handled them yet."""
    with runtime.store.reading() as uow:
        found = jobs.pending(uow, kinds=[INBOUND_JOB]) + jobs.handled(uow, kinds=[INBOUND_JOB])
    return sorted(
        (str(j.payload["inbound"]["channel_message_id"]), str(j.payload["inbound"]["body"]))
        for j in found
    )


def transcript(runtime: Runtime, phone: str = SHOPPER) -> list[MessageRecord]:
    """Every stored message of the shopper's SMS conversation (empty if there is none)."""
    shopper = shopper_record(runtime, phone)
    if shopper is None:
        return []
    with runtime.store.unit_of_work() as uow:
        found: list[MessageRecord] = []
        for convo in conversations.list_conversations(uow, customer_id=shopper.id):
            found += messages.list_messages(uow, conversation_id=convo.id)
        return found


@dataclass
class Recorded:
    method: str
    url: str
    data: dict[str, Any]
    auth: tuple[str, str] | None
    headers: dict[str, str]


@dataclass
class ScriptedTwilio(HttpClient):  # type: ignore[misc]
    """Twilio's REST API at the SDK's HTTP seam: records each real request and answers with
    the next scripted `(status, json)` or raises the scripted exception."""

    script: list[tuple[int, dict[str, Any]] | Exception] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(logger=None, is_async=False)

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        self.requests.append(Recorded(method, uri, dict(data or {}), auth, dict(headers or {})))
        if not self.script:
            raise AssertionError(f"unexpected Twilio request {method} {uri}")
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, payload = step
        return TwilioResponse(status, json.dumps(payload))


def message_json(sid: str, *, to: str, body: str, status: str = "queued") -> dict[str, Any]:
    """Twilio's Message resource as returned by `POST Messages.json`."""
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": "Sat, 07 Mar 2026 05:40:00 +0000",
        "date_sent": None,
        "date_updated": "Sat, 07 Mar 2026 05:40:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": DEALER_PHONE,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": status,
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"
        },
        "to": to,
        "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
    }


def error_json(code: int, message: str, status: int = 400) -> dict[str, Any]:
    """Twilio's REST error body."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
