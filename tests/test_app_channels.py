"""The real app (create_app) wires both channels: a signed Twilio webhook is acknowledged at
once and answered through the outbox; the demo page carries the widget; staff replies go out."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from crm_store import conversations, messages, migrate
from crm_store.db import Store
from crm_store.errors import NotFound
from crm_store.types import Author, DeliveryStatus
from nightshift.runtime import open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.helpers import ROOT, live_server
from tests.tokens import api_token, bearer

TOKEN = "test-auth-token"
PUBLIC = "https://dealer.example"


def _world(tmp_path: Path, models_dir: Path) -> Settings:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/nightshift.db",
        data_dir=tmp_path,
        twilio_auth_token=TOKEN,
        public_base_url=PUBLIC,
    )
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, models_dir=models_dir) as rt:
        apply_world(rt.store, load_world_file(ROOT / "examples" / "demo-dealership.yaml"))
        sync_world_knowledge(rt.store, rt.knowledge, "harbor-point-honda")
    return settings


def _replies(store: Store) -> list[tuple[str, DeliveryStatus]]:
    """The replies in the first conversation (none until the job runner has stored it)."""
    with store.unit_of_work() as uow:
        try:
            convo = conversations.get_conversation(uow, conversation_id=1)
        except NotFound:
            return []
        return [
            (m.body, m.delivery_status)
            for m in messages.list_messages(uow, conversation_id=convo.id)
            if m.author is not Author.SHOPPER
        ]


def test_sms_webhook_to_reply_through_the_real_app(tmp_path: Path, models_dir: Path) -> None:
    settings = _world(tmp_path, models_dir)
    params = {
        "MessageSid": "SM" + "1" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": "+18055550144",
        "To": "+18055550100",
        "Body": "how much is your doc fee",
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/channels/twilio/sms", params)
    store = Store(settings.database_url)
    try:
        with live_server(settings, models_dir) as base:
            forged = httpx.post(
                base + "/channels/twilio/sms", data=params, headers={"X-Twilio-Signature": "bad"}
            )
            assert forged.status_code == 403
            answer = httpx.post(
                base + "/channels/twilio/sms",
                data=params,
                headers={"X-Twilio-Signature": signature},
            )
            assert answer.status_code == 200
            assert answer.text.strip().endswith("<Response></Response>")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(
                status is DeliveryStatus.SENT for _, status in _replies(store)
            ):
                time.sleep(0.1)
            [(body, status)] = _replies(store)
            assert "$85" in body and status is DeliveryStatus.SENT  # the log transport "sent" it

            page = httpx.get(base + "/")
            assert (
                '<script src="/widget.js" data-dealership="harbor-point-honda"></script>'
                in page.text
            )
            assert "2027 Honda Civic Hybrid Sport" in page.text and "$30,995" in page.text
            assert httpx.get(base + "/widget.js").status_code == 200

            with store.unit_of_work() as uow:
                public_id = conversations.get_conversation(uow, conversation_id=1).public_id
            token = bearer(api_token(store, "harbor-point-honda"))
            staff_reply = httpx.post(
                f"{base}/api/conversations/{public_id}/staff-messages",
                json={"staff": "maria", "text": "Hi, this is Maria. Want me to hold the car?"},
                headers=token,
            )
            assert staff_reply.status_code == 201 and staff_reply.json()["author"] == "Maria Lopez"
            unknown = httpx.post(
                f"{base}/api/conversations/{public_id}/staff-messages",
                json={"staff": "nobody", "text": "hello"},
                headers=token,
            )
            assert unknown.status_code == 404 and "nobody" in unknown.json()["detail"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(_replies(store)) < 2:
                time.sleep(0.1)
            assert _replies(store)[-1] == (
                "Hi, this is Maria. Want me to hold the car?",
                DeliveryStatus.SENT,
            )
    finally:
        store.dispose()
