"""A signed handoff link signs its salesperson in to the console for that handoff's
conversation only, over HTTP through the real app: the cookie it sets, what that session may
open and do (the conversation's page, claim, reply, note), what it may not (the inbox,
another conversation, reassigning, the API), and when the browser keeps the session it has."""

from __future__ import annotations

from datetime import timedelta
from http.cookies import SimpleCookie

from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import audit, dealerships, staff
from crm_store.types import ConversationMode
from handoff import links
from nightshift.http.auth import SESSION_COOKIE
from nightshift.http.deps import services_of
from tests.console.test_inbox_http import chat, mode_of, paged_to, sms_outbox
from tests.console.test_sign_in_http import DANIEL, csrf_field, sign_in
from tests.demo import SLUG

PAGE = "/console/conversations/"


def link_for(
    client: TestClient, handoff_id: int, valid_for: timedelta, handle: str = "maria"
) -> str:
    """The signed handoff link `handle` gets in their page, valid for `valid_for`."""
    services = services_of(client.app)
    with services.store.reading() as uow:
        member = staff.find_staff(
            uow, dealership_id=dealerships.id_for_slug(uow, slug=SLUG), handle=handle
        )
    path = links.staff_page(handoff_id, member.id)
    return links.signed_path(services.signing_key, path, services.store.clock.now(), valid_for)


def session_cookie(answer: object) -> SimpleCookie:
    """The `ns_session` cookie an answer set (empty when it set none)."""
    jar: SimpleCookie = SimpleCookie()
    for header in answer.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        if header.startswith(SESSION_COOKIE + "="):
            jar.load(header)
    return jar


def test_the_link_signs_in_for_its_conversation_only(
    client: TestClient, clock: FrozenClock
) -> None:
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    other = chat(client, clock, "Is the Civic there?", name="Ben Ode", phone="5551230003")
    handoff_id = paged_to(client, convo)
    opened = client.get(link_for(client, handoff_id, timedelta(hours=24)))
    assert opened.status_code == 200
    cookie = session_cookie(opened)[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"].lower() == "lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == 12 * 3600  # the link lasts longer: a session's lifetime
    assert f'id="console-link" href="{PAGE}{convo.public_id}"' in opened.text
    assert "Open in the console" in opened.text

    page = client.get(PAGE + convo.public_id)
    assert page.status_code == 200 and "Ana Ruiz" in page.text
    assert f"{PAGE}{convo.public_id}/assign" not in page.text  # not offered: not in scope
    csrf = csrf_field(page.text)
    claimed = client.post(f"{PAGE}{convo.public_id}/claim", data={"csrf": csrf})
    assert claimed.status_code == 303, claimed.text
    assert mode_of(client, convo) is ConversationMode.HUMAN
    sent = client.post(
        f"{PAGE}{convo.public_id}/reply", data={"csrf": csrf, "text": "Maria here, on it."}
    )
    assert sent.status_code == 303 and "Maria here, on it." in sms_outbox(client)
    noted = client.post(f"{PAGE}{convo.public_id}/notes", data={"csrf": csrf, "text": "Co-signer"})
    assert noted.status_code == 303
    assert "Co-signer" in client.get(PAGE + convo.public_id).text

    inbox = client.get("/console/inbox")
    assert inbox.status_code == 303
    assert inbox.headers["location"] == "/console/sign-in?next=/console/inbox&scope=handoff"
    told = client.get(inbox.headers["location"])
    assert "signed you in for that one conversation only" in told.text
    for refused in (
        client.get(PAGE + other.public_id),
        client.post(f"{PAGE}{other.public_id}/claim", data={"csrf": csrf}),
        client.post(f"{PAGE}{convo.public_id}/assign", data={"csrf": csrf, "staff_id": ""}),
        client.get("/console"),
    ):
        assert refused.status_code == 303, refused.request.url
        assert refused.headers["location"].startswith("/console/sign-in"), refused.request.url
    api = client.post(
        f"/api/conversations/{convo.public_id}/staff-messages",
        json={"text": "via the API"},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 403 and "handoff" in api.json()["detail"]
    assert "via the API" not in sms_outbox(client)

    with services_of(client.app).store.reading() as uow:
        entries = audit.entries(uow, dealership_id=convo.dealership_id)
    sign_ins = [e.detail for e in entries if e.action == "console_sign_in"]
    assert [(d["by"], d["handoff"]) for d in sign_ins] == [("handoff_link", handoff_id)]


def test_the_session_lasts_no_longer_than_the_link(client: TestClient, clock: FrozenClock) -> None:
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    link = link_for(client, paged_to(client, convo), timedelta(minutes=30))
    cookie = session_cookie(client.get(link))[SESSION_COOKIE]
    assert int(cookie["max-age"]) == 30 * 60
    clock.advance(timedelta(minutes=29))
    assert client.get(PAGE + convo.public_id).status_code == 200
    clock.advance(timedelta(minutes=1))
    assert client.get(PAGE + convo.public_id).status_code == 303  # ended with the link


def test_an_expired_or_forged_link_sets_nothing(client: TestClient, clock: FrozenClock) -> None:
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    link = link_for(client, paged_to(client, convo), timedelta(minutes=30))
    forged = link[: -len("0" * 64)] + "0" * 64
    clock.advance(timedelta(minutes=31))
    for url in (link, forged):
        answer = client.get(url)
        assert answer.status_code == 403
        assert not session_cookie(answer)
    assert client.get(PAGE + convo.public_id).status_code == 303


def test_a_full_session_of_the_same_staff_member_is_kept(
    client: TestClient, clock: FrozenClock
) -> None:
    sign_in(client)  # Maria, signed in for real
    full = client.cookies[SESSION_COOKIE]
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    opened = client.get(link_for(client, paged_to(client, convo), timedelta(hours=2)))
    assert opened.status_code == 200
    assert not session_cookie(opened)
    assert client.cookies[SESSION_COOKIE] == full
    assert client.get("/console/inbox").status_code == 200  # still the whole console


def test_someone_elses_full_session_is_never_replaced_by_a_link(
    client: TestClient, clock: FrozenClock
) -> None:
    sign_in(client, DANIEL)  # a manager signed in on this browser
    full = client.cookies[SESSION_COOKIE]
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    handoff_id = paged_to(client, convo)
    opened = client.get(link_for(client, handoff_id, timedelta(hours=2)))
    assert opened.status_code == 200  # Maria's signed page still works
    assert not session_cookie(opened)  # but the browser stays Daniel's
    assert client.cookies[SESSION_COOKIE] == full
    assert client.get("/console/inbox").status_code == 200


def test_the_links_staff_member_replaces_a_scoped_session(
    client: TestClient, clock: FrozenClock
) -> None:
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    handoff_id = paged_to(client, convo)
    first = client.get(link_for(client, handoff_id, timedelta(hours=2)))
    assert session_cookie(first)  # Maria's scoped session
    page = client.get(PAGE + convo.public_id)
    assert page.status_code == 200 and "Maria Lopez" in page.text
    assert client.get("/console/inbox").status_code == 303
    again = client.get(link_for(client, handoff_id, timedelta(hours=2)))
    assert not session_cookie(again)  # her session for this handoff is kept
