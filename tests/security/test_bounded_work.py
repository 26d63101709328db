"""Bounded work per message: oversized requests are refused at the edge (413 before the body
is read, 400 for an SMS Body Twilio would never send), and a huge message that does get in is
stored whole while the assistant reads a bounded prefix of it.

Issue 13: one signed 2 MB SMS froze the web process (a quadratic e-mail pattern over the whole
text, holding the GIL). Timings are in bench/abuse_bench.py; these tests check the limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.types import Message
from twilio.request_validator import RequestValidator

from channels.twilio.webhook import MAX_BODY
from contracts.clock import FrozenClock
from contracts.messages import MAX_TURN_TEXT, InboundMessage
from crm_store import conversations, customers, dealerships, handoffs, jobs, messages
from crm_store.db import Store
from crm_store.types import Author, Channel
from nightshift.app import create_app
from nightshift.conversation.turns import INBOUND_JOB
from nightshift.runtime import Runtime
from nightshift.settings import Settings
from tests.demo import SLUG
from tests.security.conftest import prepare_demo, staff_token
from tests.tokens import bearer

TOKEN = "bounded-work-auth-token"  # a made-up Twilio auth token
PUBLIC = "https://dealer.example"
SMS = "/channels/twilio/sms"
SHOPPER = "+18055550177"
CAP = 64 * 1024


@pytest.fixture
def settings(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Settings:
    """The demo with Twilio signatures on and no background workers, so whatever a request
    stored stays visible to the test."""
    return prepare_demo(
        tmp_path,
        models_dir,
        clock,
        inline_worker=False,
        twilio_auth_token=SecretStr(TOKEN),
        public_base_url=PUBLIC,
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, models_dir: Path) -> FastAPI:
    return create_app(settings, clock=clock, models_dir=models_dir)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    opened = Store(settings.database_url)
    yield opened
    opened.dispose()


def sms_form(body: str, sid: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": SHOPPER,
        "To": "+18055550100",
        "Body": body,
        "NumMedia": "0",
    }


def signed(form: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(PUBLIC + SMS, form)}


def received(store: Store) -> int:
    """Messages the Twilio webhook stored (as inbound jobs) plus every stored message."""
    with store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        shopper = customers.find_by_phone(uow, dealership_id=dealer.id, phone=SHOPPER)
        stored = 0
        if shopper is not None:
            for convo in conversations.list_conversations(uow, customer_id=shopper.id):
                stored += len(messages.list_messages(uow, conversation_id=convo.id))
        return jobs.count(uow, kinds=[INBOUND_JOB]) + stored


def assert_too_large(answer: Any) -> None:
    assert answer.status_code == 413, answer.text
    detail = answer.json()["detail"]
    assert f"limit of {CAP} bytes" in detail and "NIGHTSHIFT_MAX_BODY_BYTES" in detail


# -- (a) a cap on every HTTP request body --------------------------------------------------


def test_an_sms_webhook_over_the_cap_is_a_413_and_stores_nothing(
    client: TestClient, store: Store
) -> None:
    form = sms_form("is the tacoma available " * 4000, "SM" + "a" * 32)  # ~100 KB
    answer = client.post(SMS, data=form, headers=signed(form))
    assert_too_large(answer)
    assert received(store) == 0
    small = sms_form("is the tacoma available", "SM" + "b" * 32)
    assert client.post(SMS, data=small, headers=signed(small)).status_code == 200
    assert received(store) == 1  # the same route takes an ordinary text


def test_a_chunked_sms_webhook_over_the_cap_is_a_413_and_stores_nothing(
    client: TestClient, store: Store
) -> None:
    """Without Content-Length the bytes are counted as they arrive."""
    form = sms_form("x" * (CAP + 1), "SM" + "c" * 32)
    body = "&".join(f"{k}={v}" for k, v in form.items()).encode()

    def chunks() -> Iterator[bytes]:
        for at in range(0, len(body), 4096):
            yield body[at : at + 4096]

    headers = {**signed(form), "Content-Type": "application/x-www-form-urlencoded"}
    answer = client.post(SMS, content=chunks(), headers=headers)
    assert answer.request.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in answer.request.headers
    assert_too_large(answer)
    assert received(store) == 0


def _conversation(store: Store) -> str:
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        shopper, _ = customers.get_or_create_by_phone(
            uow, dealership_id=dealer_id, phone=SHOPPER, source="sms"
        )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
        )
        return convo.public_id


@pytest.mark.parametrize("chunked", [False, True])
def test_a_staff_message_over_the_cap_is_a_413_and_stores_nothing(
    client: TestClient, store: Store, settings: Settings, chunked: bool
) -> None:
    path = f"/api/conversations/{_conversation(store)}/staff-messages"
    auth = bearer(staff_token(settings))
    huge = ('{"text": "' + "y" * (CAP + 10) + '"}').encode()
    headers = {**auth, "Content-Type": "application/json"}
    content: Any = iter([huge[:1000], huge[1000:]]) if chunked else huge
    assert_too_large(client.post(path, content=content, headers=headers))
    assert received(store) == 0
    ok = client.post(path, json={"text": "Hi, Maria here. It's available."}, headers=auth)
    assert ok.status_code == 201, ok.text
    assert received(store) == 1


@pytest.mark.parametrize(
    "path",
    ["/api/handoffs/1/1/reply", "/api/appointments/1/status", "/healthz", "/no/such/route"],
)
def test_any_route_refuses_a_body_over_the_cap_before_anything_else(
    client: TestClient, path: str
) -> None:
    """Before authentication, routing or validation: nothing reads the body first."""
    answer = client.post(
        path, content=b"{" + b" " * CAP + b"}", headers={"Content-Type": "application/json"}
    )
    assert_too_large(answer)


def test_the_cap_is_a_setting(models_dir: Path, clock: FrozenClock, settings: Settings) -> None:
    assert settings.max_body_bytes == CAP  # the default
    larger = settings.model_copy(update={"max_body_bytes": 4 * CAP})
    app = create_app(larger, clock=clock, models_dir=models_dir)
    form = sms_form("is the tacoma available " * 4000, "SM" + "d" * 32)  # ~100 KB
    with TestClient(app) as client:
        answer = client.post(SMS, data=form, headers=signed(form))
    assert answer.status_code == 400  # past the body cap; refused for its Body instead
    assert "Body" in answer.json()["error"]


def test_a_streamed_body_stops_being_read_at_the_cap(client: TestClient, app: FastAPI) -> None:
    """At the ASGI level: a 10 MB chunked upload is refused after about 64 KB was read."""
    chunk, total = b"x" * 16384, 640
    pulled = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < total}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": SMS,
        "raw_path": SMS.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def drive() -> None:
        await app(scope, receive, send)

    assert client.portal is not None
    client.portal.call(drive)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert pulled <= CAP // len(chunk) + 1  # stopped at the cap, not at 10 MB


# -- (b) Twilio's own limit on an SMS Body -------------------------------------------------


def test_an_sms_body_longer_than_twilio_sends_is_a_400_naming_body(
    client: TestClient, store: Store
) -> None:
    too_long = sms_form("a" * (MAX_BODY + 1), "SM" + "e" * 32)
    answer = client.post(SMS, data=too_long, headers=signed(too_long))
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error.startswith("Body:") and "1601" in error and "1600" in error
    assert received(store) == 0
    longest = sms_form("a" * MAX_BODY, "SM" + "f" * 32)
    assert client.post(SMS, data=longest, headers=signed(longest)).status_code == 200
    assert received(store) == 1


# -- (c) a huge message that gets in: stored whole, answered, read up to the bound ----------


@pytest.mark.parametrize("size", [100_000, 2_000_000])
def test_a_huge_message_is_stored_whole_and_answered(runtime: Runtime, size: int) -> None:
    """The worst runs for the old patterns after a real question: e-mail-ish letters and dots,
    digits, commas, blank lines."""
    question = "how much is your doc fee? "
    filler = "ab.1,2 \n" * (size // 8)
    body = (question + filler)[:size]
    result = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", SHOPPER, body, channel_message_id=f"SM-HUGE-{size}")
    )
    assert result.outcome == "replied"
    [reply] = result.replies
    assert "$85" in reply.body  # the doc fee: the question at the start was read
    with runtime.store.reading() as uow:
        stored = messages.list_messages(uow, conversation_id=result.conversation_id)
    assert [m.body for m in stored if m.author is Author.SHOPPER] == [body]
    assert len(body) == size


def test_past_the_bound_is_stored_but_not_read(runtime: Runtime) -> None:
    """What the assistant reads is the first MAX_TURN_TEXT characters; the escalation rules
    see the same text, so a request for a person past it raises no handoff (a salesperson
    reading the conversation sees all of it)."""
    ask = "can I talk to a real person please"
    body = "how much is your doc fee? " + "ab.1,2 \n" * (MAX_TURN_TEXT // 8) + ask
    result = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", SHOPPER, body, channel_message_id="SM-PAST")
    )
    assert result.outcome == "replied"
    with runtime.store.reading() as uow:
        found = handoffs.live_for_conversation(uow, conversation_id=result.conversation_id)
        [stored] = [
            m.body
            for m in messages.list_messages(uow, conversation_id=result.conversation_id)
            if m.author is Author.SHOPPER
        ]
    assert found is None or "human_requested" not in found.reasons
    assert stored == body and stored.endswith(ask)


def test_a_handoff_summary_quotes_at_most_the_bound(runtime: Runtime) -> None:
    body = "can I talk to a real person please. " + "my trade is a 2015 civic " * 8000
    result = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", SHOPPER, body, channel_message_id="SM-SUMMARY")
    )
    with runtime.store.reading() as uow:
        found = handoffs.live_for_conversation(uow, conversation_id=result.conversation_id)
    assert found is not None and "human_requested" in found.reasons
    assert found.summary["last_question"] == body[:MAX_TURN_TEXT]
