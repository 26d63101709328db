"""A typed phone number or e-mail is an extra contact, never a replacement for the channel's
verified address: the shopper who texts from one phone and writes another keeps their SMS
identity, their conversation and the phone a page shows."""

from __future__ import annotations

from contracts.messages import InboundMessage
from crm_store import customers, dealerships, handoffs, timeline
from crm_store.db import Store
from crm_store.records import CustomerRecord
from crm_store.types import Channel
from nightshift.conversation import transcript
from nightshift.runtime import Runtime
from tests.demo import SLUG

SHOPPER = "+15557770301"


def _text(runtime: Runtime, body: str, sid: str, sender: str = SHOPPER) -> int:
    return runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", sender, body, sid)
    ).conversation_id


def _shopper(store: Store, phone: str) -> CustomerRecord | None:
    with store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        return customers.find_by_phone(uow, dealership_id=dealer_id, phone=phone)


def test_a_typed_number_does_not_replace_the_sms_phone(runtime: Runtime) -> None:
    first = _text(runtime, "hi, im dana. or call me at 805-555-7788 or dana@example.com", "SM1")
    second = _text(runtime, "can a person call me about the civic?", "SM2")
    assert second == first  # the same conversation: found by the verified phone

    shopper = _shopper(runtime.store, SHOPPER)
    assert shopper is not None and shopper.phone == SHOPPER
    assert "+18055557788" in shopper.extra_contacts
    assert _shopper(runtime.store, "+18055557788") is None
    with runtime.store.reading() as uow:
        found = transcript.find_conversations(uow, SHOPPER)
        events = timeline.customer_timeline(uow, customer_id=shopper.id)
        live = handoffs.live_for_conversation(uow, conversation_id=first)
    assert [c.id for c in found] == [first]
    assert any(e.kind == "contact_updated" for e in events)
    assert live is not None and live.summary["customer"]["phone"] == SHOPPER
    assert "+18055557788" in live.summary["customer"]["other_contacts"]


def test_a_web_shopper_gets_a_phone_but_never_someone_elses(runtime: Runtime) -> None:
    _text(runtime, "hello", "SM9", sender="+15557770399")  # a phone already on file
    runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "web", "web-session-1", "text me at 555-777-0388", "w:1")
    )
    runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "web", "web-session-2", "my cell is 555-777-0399", "w:2")
    )
    with runtime.store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        one = customers.find_by_identity(
            uow, dealership_id=dealer_id, channel=Channel.WEB, external_id="web-session-1"
        )
        two = customers.find_by_identity(
            uow, dealership_id=dealer_id, channel=Channel.WEB, external_id="web-session-2"
        )
    assert one is not None and one.phone == "+15557770388"  # an empty field is filled
    assert two is not None and two.phone is None  # another customer's number is not taken
    assert "+15557770399" in two.extra_contacts
