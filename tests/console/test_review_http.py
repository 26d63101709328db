"""The managers' transcript review over HTTP, through the real app and signed-in sessions:
filtering the period's conversations (outcome, channel, dates, after hours, text, flagged),
the CSV of the same selection, a conversation's review view, flagging and unflagging
(audited), the review queue, "Save as QA scenario" as a download the evals loader accepts,
and who may see any of it (managers of the dealership only)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import (
    appointments,
    audit,
    conversations,
    customers,
    dealerships,
    handoffs,
    messages,
    staff,
    timeline,
    vehicles,
)
from crm_store.db import Store
from crm_store.records import ConversationRecord
from crm_store.types import Author, Channel, Direction, VehicleStatus
from evals.scenario import load_scenario
from tests.console.conftest import app_services
from tests.console.test_sign_in_http import DANIEL, MARIA, sign_in
from tests.demo import SLUG
from tests.factories import make_lot

REVIEW = "/console/review"
LOCAL = ZoneInfo("America/Los_Angeles")


def start(
    store: Store,
    text: str,
    *,
    name: str,
    key: str,
    channel: Channel = Channel.SMS,
    slug: str = SLUG,
) -> ConversationRecord:
    """A conversation begun now in which the shopper (`name`, phone `key`; on the web, the
    chat session `key`, unnamed) wrote `text`."""
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        if channel is Channel.SMS:
            shopper = customers.upsert_customer(uow, dealership_id=dealer_id, phone=key, name=name)
        else:
            shopper, _ = customers.get_or_create_by_identity(
                uow, dealership_id=dealer_id, channel=channel, external_id=key
            )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=channel
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=text,
        )
    return convo


def book(store: Store, convo: ConversationRecord) -> None:
    """A test drive tomorrow at 11:00, booked in `convo`."""
    with store.unit_of_work() as uow:
        car = vehicles.list_vehicles(
            uow, dealership_id=convo.dealership_id, statuses=[VehicleStatus.AVAILABLE]
        )[0]
        starts = datetime(2026, 3, 7, 11, tzinfo=LOCAL)
        appointments.create_appointment(
            uow,
            dealership_id=convo.dealership_id,
            vehicle_id=car.id,
            customer_id=convo.customer_id,
            conversation_id=convo.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            source="assistant",
        )


def page_maria(store: Store, convo: ConversationRecord) -> None:
    """A financing handoff for `convo`, paged to Maria."""
    with store.unit_of_work() as uow:
        maria = staff.find_staff(uow, dealership_id=convo.dealership_id, handle="maria")
        found = handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing"],
            confidence=0.9,
        )
        handoffs.page(uow, handoff_id=found.id, staff_id=maria.id, rule="owner")


@pytest.fixture
def week(client: TestClient, clock: FrozenClock) -> dict[str, ConversationRecord]:
    """The week of `make_week`, in the app `client` talks to."""
    return make_week(app_services(client).store, clock)


def make_week(store: Store, clock: FrozenClock) -> dict[str, ConversationRecord]:
    """Four conversations: one on a Monday morning two weeks ago (in sales hours), and
    tonight (after hours) one handed off for financing, one on the web with no outcome and
    one that booked a test drive."""
    now = clock.now()
    clock.set(datetime(2026, 2, 23, 10, tzinfo=LOCAL))
    old = start(store, "Do you have a CR-V?", name="Olga Old", key="5551230010")
    clock.set(now)
    clock.advance(timedelta(minutes=1))
    financing = start(store, "Can I get financing?", name="Ana Ruiz", key="5551230002")
    page_maria(store, financing)
    clock.advance(timedelta(minutes=1))
    web = start(store, "Just looking", name="Wes Web", key="web-1", channel=Channel.WEB)
    clock.advance(timedelta(minutes=1))
    booked = start(store, "Can I drive the Civic?", name="Bo Booker", key="5551230004")
    book(store, booked)
    return {"old": old, "financing": financing, "web": web, "booked": booked}


def listed(client: TestClient, **query: str) -> set[str]:
    """The public ids the review list shows for `query`."""
    page = client.get(REVIEW, params=query)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    if 'id="review-list"' not in page.text:
        return set()
    body = page.text.split('id="review-list"', 1)[1].split("</ul>", 1)[0]
    return {part.split('"', 1)[0] for part in body.split('href="/console/review/')[1:]}


def test_a_manager_filters_by_outcome_channel_date_hours_and_text(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    sign_in(client, DANIEL)
    ids = {name: convo.public_id for name, convo in week.items()}
    tonight = {ids["financing"], ids["web"], ids["booked"]}
    assert listed(client) == tonight  # the last 7 days by default
    assert listed(client, outcome="booked") == {ids["booked"]}
    assert listed(client, outcome="handed_off") == {ids["financing"]}
    assert listed(client, outcome="handed_off:financing") == {ids["financing"]}
    assert listed(client, outcome="handed_off:trade_in") == set()
    assert listed(client, outcome="no_action") == {ids["web"]}
    assert listed(client, channel="web") == {ids["web"]}
    assert listed(client, channel="sms") == {ids["financing"], ids["booked"]}
    assert listed(client, **{"from": "2026-02-20", "to": "2026-02-28"}) == {ids["old"]}
    every = {"from": "2026-02-20"}
    assert listed(client, **every) == set(ids.values())
    assert listed(client, **every, after_hours="n") == {ids["old"]}
    assert listed(client, **every, after_hours="y") == tonight
    assert listed(client, **every, q="FINANCING") == {ids["financing"]}
    assert listed(client, **every, q="100%") == set()  # LIKE wildcards are literal
    row = client.get(REVIEW).text.split(f'href="{REVIEW}/{ids["financing"]}"', 1)[1]
    row = row.split("</li>", 1)[0]
    assert "Ana Ruiz" in row and "after hours" in row
    wrong = client.get(REVIEW, params={"outcome": "sold"})
    assert wrong.status_code == 422 and "outcome" in wrong.text


def test_the_csv_download_has_the_filtered_rows(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    sign_in(client, DANIEL)
    page = client.get(REVIEW, params={"channel": "sms", "outcome": "booked"})
    assert 'href="/console/review/csv?channel=sms&amp;outcome=booked"' in page.text
    answer = client.get(f"{REVIEW}/csv", params={"channel": "sms", "outcome": "booked"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["conversation"] for r in rows] == [week["booked"].public_id]
    assert rows[0]["outcome"] == "booked" and rows[0]["customer"] == "Bo Booker"
    every = client.get(f"{REVIEW}/csv", params={"from": "2026-02-20"})
    assert len(list(csv.DictReader(io.StringIO(every.text)))) == 4


def test_flagging_shows_in_the_view_the_queue_and_the_audit_trail_and_unflags(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    csrf = sign_in(client, DANIEL)
    web = week["web"].public_id
    first = client.get(f"{REVIEW}/{web}")
    assert first.status_code == 200
    assert "Just looking" in first.text and "Not flagged." in first.text
    flagged = client.post(
        f"{REVIEW}/{web}/flag", data={"csrf": csrf, "tag": "tone", "note": "Too pushy."}
    )
    assert flagged.status_code == 303
    assert flagged.headers["location"] == f"{REVIEW}/{web}?done=flagged"
    view = client.get(flagged.headers["location"]).text
    flags = view.split('id="flags"', 1)[1].split("</section>", 1)[0]
    assert "tone" in flags and "Too pushy." in flags and "Daniel Brooks" in flags
    assert "review flag" in view.split('id="audit"', 1)[1]
    assert listed(client, flagged="y") == {web}
    queue = client.get(f"{REVIEW}/queue").text.split('id="queue"', 1)[1]
    entry = queue.split(web, 1)[1].split("</li>", 1)[0]
    assert "flagged" in entry
    financing = queue.split(week["financing"].public_id, 1)[1].split("</li>", 1)[0]
    assert "handed off" in financing
    flag_id = flags.split('name="flag" value="', 1)[1].split('"', 1)[0]
    gone = client.post(f"{REVIEW}/{web}/unflag", data={"csrf": csrf, "flag": flag_id})
    assert gone.status_code == 303
    assert "Not flagged." in client.get(gone.headers["location"]).text
    assert listed(client, flagged="y") == set()
    assert web not in client.get(f"{REVIEW}/queue").text
    with app_services(client).store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        done = [e for e in audit.entries(uow, dealership_id=dealer_id) if "flag" in e.action]
    assert [(e.action, e.detail["tag"], e.actor) for e in reversed(done)] == [
        ("review_flag", "tone", "Daniel Brooks (daniel)"),
        ("review_unflag", "tone", "Daniel Brooks (daniel)"),
    ]


def test_a_flag_needs_a_known_tag_and_a_short_note(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    csrf = sign_in(client, DANIEL)
    url = f"{REVIEW}/{week['web'].public_id}/flag"
    unknown = client.post(url, data={"csrf": csrf, "tag": "meh", "note": ""})
    assert unknown.status_code == 422 and "tag: &#39;meh&#39; is not valid" in unknown.text
    long = client.post(url, data={"csrf": csrf, "tag": "tone", "note": "x" * 1001})
    assert long.status_code == 422 and "note:" in long.text and "x" * 1001 in long.text
    assert listed(client, flagged="y") == set()


def test_guardrail_blocked_and_fallback_replies_are_in_the_queue(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    sign_in(client, DANIEL)
    with app_services(client).store.unit_of_work() as uow:
        for convo, kind in (
            (week["web"], "guardrail_violation"),
            (week["booked"], "fallback_reply"),
        ):
            timeline.add_event(
                uow,
                dealership_id=convo.dealership_id,
                customer_id=convo.customer_id,
                conversation_id=convo.id,
                kind=kind,
            )
    queue = client.get(f"{REVIEW}/queue").text.split('id="queue"', 1)[1]
    assert "guardrail blocked" in queue.split(week["web"].public_id, 1)[1].split("</li>", 1)[0]
    assert "fallback" in queue.split(week["booked"].public_id, 1)[1].split("</li>", 1)[0]
    assert week["old"].public_id not in queue


def test_save_as_qa_scenario_downloads_yaml_the_evals_loader_accepts(
    client: TestClient,
    week: dict[str, ConversationRecord],
    tmp_path: Path,
) -> None:
    csrf = sign_in(client, DANIEL)
    public_id = week["financing"].public_id
    answer = client.post(f"{REVIEW}/{public_id}/scenario", data={"csrf": csrf})
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == f'attachment; filename="{public_id}.yaml"'
    saved = yaml.safe_load(answer.text)
    assert saved["turns"][0]["user"] == "Can I get financing?"
    path = tmp_path / f"{public_id}.yaml"
    path.write_text(answer.text, encoding="utf-8")
    assert load_scenario(path).spec.turns[0].user == "Can I get financing?"


def test_a_salesperson_may_not_review(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    csrf = sign_in(client, MARIA)
    public_id = week["financing"].public_id
    for url in (REVIEW, f"{REVIEW}/queue", f"{REVIEW}/csv", f"{REVIEW}/{public_id}"):
        answer = client.get(url)
        assert answer.status_code == 403 and "Can I get financing?" not in answer.text, url
    for action in ("flag", "unflag", "scenario"):
        answer = client.post(f"{REVIEW}/{public_id}/{action}", data={"csrf": csrf, "tag": "tone"})
        assert answer.status_code == 403, action
    assert 'href="/console/review"' not in client.get("/console").text


def test_another_dealerships_conversation_is_not_found(
    client: TestClient,
    week: dict[str, ConversationRecord],
) -> None:
    csrf = sign_in(client, DANIEL)
    assert 'href="/console/review"' in client.get("/console").text
    make_lot(app_services(client).store, slug="elsewhere-motors")
    theirs = start(
        app_services(client).store,
        "Hello?",
        name="Cy Other",
        key="5551230009",
        slug="elsewhere-motors",
    )
    page = client.get(f"{REVIEW}/{theirs.public_id}")
    assert page.status_code == 404 and "Cy Other" not in page.text
    for action in ("flag", "scenario"):
        answer = client.post(
            f"{REVIEW}/{theirs.public_id}/{action}", data={"csrf": csrf, "tag": "tone"}
        )
        assert answer.status_code == 404 and "Hello?" not in answer.text, action
    assert theirs.public_id not in client.get(REVIEW, params={"from": "2026-02-20"}).text
