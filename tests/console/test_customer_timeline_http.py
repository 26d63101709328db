"""The customer's page over HTTP, through the real app and signed-in sessions: the whole
timeline for the dealership's staff, reached from the conversation page and the review
view; another dealership's manager gets the same 404 as for a customer that does not
exist; an anonymous visitor is sent to sign in; `?before=` pages."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import (
    conversations,
    customers,
    dealerships,
    messages,
    staff,
    staff_sessions,
    vehicles,
)
from crm_store.types import Author, Channel, Direction, VehicleStatus
from nightshift.http import auth
from nightshift.world import apply_world, load_world_file
from tests.console.conftest import app_services
from tests.console.customer_story import Story, tell
from tests.console.test_sign_in_http import DANIEL, MARIA, sign_in
from tests.demo import ROOT, SLUG


def story_in_demo(client: TestClient, clock: FrozenClock) -> Story:
    store = app_services(client).store
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
        cars = vehicles.list_vehicles(
            uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
        )
    return tell(store, clock, dealer_id=dealer_id, rep_id=maria.id, cars=(cars[0], cars[1]))


def test_staff_see_the_whole_timeline_from_the_conversation_page(
    client: TestClient, clock: FrozenClock
) -> None:
    story = story_in_demo(client, clock)
    sign_in(client, MARIA)
    url = f"/console/customers/{story.customer_id}"
    conversation = client.get(f"/console/conversations/{story.sms}")
    assert f'href="{url}" id="customer-link">Dana Ruiz</a>' in conversation.text
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    for seen in (
        "Dana Ruiz",
        "Service visit: ro: R-1182; work: oil change; mileage: 28900",
        "SMS consent revoked (sms_stop)",
        "Showed for the test drive",
        "Handed to a person: ready to buy",
        "Alert: 5th view in 40 min",
        "Call after 5.",
        "x5, Mar 5 10:05-10:45",
        "x2, Mar 5 11:00-11:10",
        "Does it have CarPlay?",
        "Is the Civic still there?",
        f'href="/console/conversations/{story.web}"',
    ):
        assert seen in html, seen
    assert html.index("Service visit") < html.index("Call after 5.") < html.index("CarPlay")
    assert 'id="older"' not in html  # 13 entries: one page


def test_a_managers_review_view_links_to_the_customer(
    client: TestClient, clock: FrozenClock
) -> None:
    story = story_in_demo(client, clock)
    sign_in(client, DANIEL)
    review = client.get(f"/console/review/{story.sms}")
    assert f'href="/console/customers/{story.customer_id}"' in review.text


def test_another_dealerships_manager_gets_not_found(client: TestClient, clock: FrozenClock) -> None:
    story = story_in_demo(client, clock)
    apply_world(
        app_services(client).store, load_world_file(ROOT / "examples" / "desert-sun-toyota.yaml")
    )
    with app_services(client).store.unit_of_work() as uow:
        theirs_id = dealerships.id_for_slug(uow, slug="desert-sun-toyota")
        carol = staff.find_staff(uow, dealership_id=theirs_id, handle="carol")
        _record, token = staff_sessions.create_session(uow, staff_id=carol.id, user_agent=None)
    client.cookies.set(auth.SESSION_COOKIE, token)
    assert client.get("/console").status_code == 200  # signed in, at their own dealership
    theirs = client.get(f"/console/customers/{story.customer_id}")
    missing = client.get("/console/customers/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    assert "Dana" not in theirs.text


def test_anonymous_visitors_are_sent_to_sign_in(client: TestClient, clock: FrozenClock) -> None:
    story = story_in_demo(client, clock)
    answer = client.get(f"/console/customers/{story.customer_id}")
    assert answer.status_code == 303
    where = quote(f"/console/customers/{story.customer_id}", safe="/")
    assert answer.headers["location"] == f"/console/sign-in?next={where}"


def test_older_entries_by_before_and_a_bad_before_named(
    client: TestClient, clock: FrozenClock
) -> None:
    story = story_in_demo(client, clock)
    sign_in(client, MARIA)
    url = f"/console/customers/{story.customer_id}"
    older = client.get(url, params={"before": "2026-03-05T10:30:00-08:00"})
    assert older.status_code == 200
    assert "Is the Civic still there?" in older.text
    assert "CarPlay" not in older.text and "Service visit" not in older.text
    bad = client.get(url, params={"before": "yesterday"})
    assert bad.status_code == 422 and "before" in bad.text
    assert client.get("/console/customers/dana").status_code == 404


def test_a_long_history_pages_by_the_older_link(client: TestClient, clock: FrozenClock) -> None:
    """105 texts: the page shows the newest 100 and an "Older" link to the 5 before them."""
    store = app_services(client).store
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        shopper = customers.upsert_customer(uow, dealership_id=dealer_id, phone="8055550155")
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
        )
    for n in range(105):
        clock.advance(timedelta(minutes=1))
        with store.unit_of_work() as uow:
            messages.record_message(
                uow,
                conversation_id=convo.id,
                direction=Direction.INBOUND,
                author=Author.SHOPPER,
                body=f"text number {n:03d}",
            )
    sign_in(client, MARIA)
    first = client.get(f"/console/customers/{shopper.id}")
    assert first.text.count('data-kind="message"') == 100
    assert "text number 104" in first.text and "text number 004" not in first.text
    older = re.search(r'href="([^"]+)" id="older"', first.text)
    assert older is not None
    second = client.get(older.group(1))
    assert second.status_code == 200
    shown = [f"text number {n:03d}" for n in range(5) if f"text number {n:03d}" in second.text]
    assert len(shown) == 5 and second.text.count('data-kind="message"') == 5
    assert 'id="older"' not in second.text
