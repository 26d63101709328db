"""The salesperson's inbox pages over HTTP, through the real app and a signed-in session:
the lists, a conversation's page and its actions (claim, reply, note, hand back, canned
replies), CSRF, and another dealership's conversations."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import (
    audit,
    conversations,
    dealerships,
    handoffs,
    outbox,
    staff,
)
from crm_store.records import ConversationRecord
from crm_store.types import Channel, ConversationMode, HandoffStatus
from tests.console.conftest import app_services
from tests.console.shoppers import financing_paged_to, sms_from
from tests.console.test_sign_in_http import BASE, DANIEL, sign_in
from tests.demo import SLUG
from tests.factories import make_lot

PAGE = "/console/conversations/"


def chat(
    client: TestClient,
    clock: FrozenClock,
    text: str,
    *,
    name: str,
    phone: str,
    slug: str = SLUG,
) -> ConversationRecord:
    """A new SMS conversation in which the shopper `name` wrote `text` a minute later."""
    clock.advance(timedelta(minutes=1))
    return sms_from(app_services(client).store, text, name=name, phone=phone, slug=slug)


def paged_to(client: TestClient, convo: ConversationRecord, handle: str = "maria") -> int:
    """A financing handoff for `convo`, paged to the staff member `handle`."""
    return financing_paged_to(app_services(client).store, convo, handle)


def sms_outbox(client: TestClient) -> list[str]:
    with app_services(client).store.reading() as uow:
        return [item.body for item in outbox.pending(uow, channel=Channel.SMS)]


def mode_of(client: TestClient, convo: ConversationRecord) -> ConversationMode:
    with app_services(client).store.reading() as uow:
        return conversations.get_conversation(uow, conversation_id=convo.id).mode


def test_the_inbox_shows_the_handoff_paged_to_me_first(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    waiting = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    paged_to(client, waiting)
    newer = chat(client, clock, "Is the Civic still there?", name="Ben Ode", phone="5551230003")
    assert (
        client.post(
            f"{PAGE}{newer.public_id}/assign", data={"csrf": csrf, "staff_id": _id(client, "maria")}
        ).status_code
        == 303
    )
    page = client.get("/console/inbox")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    mine = page.text.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert mine.index(waiting.public_id) < mine.index(newer.public_id)
    row = mine.split(waiting.public_id, 1)[1].split("</li>", 1)[0]
    assert "Ana Ruiz" in row and "financing" in row and "Can I get financing?" in row
    assert '<span class="badge unread" title="unread">1</span>' in row
    # opening it marks it seen: no unread badge any more
    assert client.get(PAGE + waiting.public_id).status_code == 200
    again = client.get("/console/inbox").text.split(waiting.public_id, 1)[1].split("</li>", 1)[0]
    assert "badge unread" not in again


def test_another_dealerships_conversation_is_not_found(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    make_lot(app_services(client).store, slug="elsewhere-motors")
    theirs = chat(
        client, clock, "Hello?", name="Cy Other", phone="5551230009", slug="elsewhere-motors"
    )
    page = client.get(PAGE + theirs.public_id)
    assert page.status_code == 404 and "Cy Other" not in page.text
    note = client.post(f"{PAGE}{theirs.public_id}/notes", data={"csrf": csrf, "text": "peek"})
    assert note.status_code == 404
    assert "Cy Other" not in client.get("/console/inbox").text


def test_a_reply_reaches_the_shoppers_outbox_and_the_transcript(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    handoff_id = paged_to(client, convo)
    text = "Hi Ana, Maria here: our finance manager can call you at 10."
    sent = client.post(f"{PAGE}{convo.public_id}/reply", data={"csrf": csrf, "text": text})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{PAGE}{convo.public_id}?done=sent"
    assert text in sms_outbox(client)
    assert mode_of(client, convo) is ConversationMode.HUMAN  # replying claimed it first
    page = client.get(sent.headers["location"])
    assert "Sent to the shopper." in page.text
    transcript = page.text.split('id="transcript"', 1)[1].split("</ol>", 1)[0]
    assert text in transcript and "Maria Lopez" in transcript
    with app_services(client).store.reading() as uow:
        assert handoffs.get_handoff(uow, handoff_id=handoff_id).status is HandoffStatus.CLAIMED
        actions = [e.action for e in audit.entries(uow, dealership_id=convo.dealership_id)]
    assert "staff_message" in actions and "handoff_claim" in actions


def test_an_empty_reply_shows_the_page_again_naming_the_field(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    convo = chat(client, clock, "Hello", name="Ana Ruiz", phone="5551230002")
    answer = client.post(f"{PAGE}{convo.public_id}/reply", data={"csrf": csrf, "text": "  "})
    assert answer.status_code == 422 and "text" in answer.text and 'id="reply"' in answer.text
    assert sms_outbox(client) == []


def test_a_note_is_shown_to_staff_and_never_sent(client: TestClient, clock: FrozenClock) -> None:
    csrf = sign_in(client)
    convo = chat(client, clock, "Hello", name="Ana Ruiz", phone="5551230002")
    note = "Wife co-signs; call after 5."
    added = client.post(f"{PAGE}{convo.public_id}/notes", data={"csrf": csrf, "text": note})
    assert added.status_code == 303
    page = client.get(PAGE + convo.public_id).text
    assert note in page.split('id="notes"', 1)[1].split("</ul>", 1)[0]
    assert note not in page.split('id="transcript"', 1)[1].split("</ol>", 1)[0]
    assert sms_outbox(client) == []


def test_claim_then_hand_back_tells_the_shopper_each_time(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    handoff_id = paged_to(client, convo)
    assert (
        'action="' + PAGE + convo.public_id + '/claim"' in client.get(PAGE + convo.public_id).text
    )
    claimed = client.post(f"{PAGE}{convo.public_id}/claim", data={"csrf": csrf})
    assert claimed.status_code == 303
    assert mode_of(client, convo) is ConversationMode.HUMAN
    [notice] = sms_outbox(client)
    assert "Maria" in notice
    page = client.get(claimed.headers["location"]).text
    assert "/claim" not in page and "/hand-back" in page
    back = client.post(f"{PAGE}{convo.public_id}/hand-back", data={"csrf": csrf})
    assert back.status_code == 303
    assert mode_of(client, convo) is ConversationMode.BOT
    assert len(sms_outbox(client)) == 2  # the shopper is told it is the assistant again
    with app_services(client).store.reading() as uow:
        assert handoffs.get_handoff(uow, handoff_id=handoff_id).status is HandoffStatus.RESOLVED


def test_a_canned_reply_is_rendered_into_the_reply_box(
    client: TestClient, clock: FrozenClock
) -> None:
    csrf = sign_in(client)
    convo = chat(client, clock, "Hello", name="Ana Ruiz", phone="5551230002")
    body = "Hi {first_name}, this is {salesperson} at {dealership}."
    made = client.post("/console/canned", data={"csrf": csrf, "title": "Hello", "body": body})
    assert made.status_code == 303
    listing = client.get("/console/canned").text
    reply_id = listing.split('action="/console/canned/', 1)[1].split("/", 1)[0]
    page = client.get(f"{PAGE}{convo.public_id}?canned={reply_id}")
    assert page.status_code == 200
    box = page.text.split('id="reply"', 1)[1].split("</textarea>", 1)[0]
    assert box.endswith(">Hi Ana, this is Maria at Harbor Point Honda.")


def test_only_a_manager_adds_a_dealership_wide_canned_reply(client: TestClient) -> None:
    csrf = sign_in(client)
    shared = {"csrf": csrf, "title": "Hours", "body": "We open at 9.", "shared": "1"}
    refused = client.post("/console/canned", data=shared)
    assert refused.status_code == 403 and "manager" in refused.text
    unknown = client.post(
        "/console/canned", data={"csrf": csrf, "title": "X", "body": "Hi {nickname}"}
    )
    assert unknown.status_code == 422 and "body" in unknown.text and "{nickname}" in unknown.text
    manager = TestClient(client.app, base_url=BASE, follow_redirects=False)
    manager_csrf = sign_in(manager, DANIEL)
    assert manager.post("/console/canned", data={**shared, "csrf": manager_csrf}).status_code == 303
    assert "We open at 9." in client.get("/console/canned").text  # Maria sees it too


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, clock: FrozenClock) -> None:
    sign_in(client)
    convo = chat(client, clock, "Hello", name="Ana Ruiz", phone="5551230002")
    answer = client.post(f"{PAGE}{convo.public_id}/reply", data={"text": "Hi!"})
    assert answer.status_code == 403 and "csrf" in answer.text
    assert client.post(f"{PAGE}{convo.public_id}/notes", data={"text": "x"}).status_code == 403
    assert sms_outbox(client) == []


def _id(client: TestClient, handle: str) -> str:
    with app_services(client).store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        return str(staff.find_staff(uow, dealership_id=dealer_id, handle=handle).id)
