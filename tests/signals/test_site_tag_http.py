"""The site tag over HTTP, through the real app (create_app, its middleware, routers and
error handlers) over the demo dealership, on SQLite and PostgreSQL: `GET /signals.js`, and
its public door `POST /channels/web/{slug}/signals`: a page's views stored for its visitor,
`customer` and every type but browsing refused, at most 10 events and 4 KB, unknown
dealership 404, the CORS answers a dealer's site needs, the per-IP limit, and a web chat that
joins the visitor's views whichever came first."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import conversations, customers, dealerships, migrate
from crm_store.db import Store
from crm_store.models import ShopperEvent
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG, demo_settings
from tests.tokens import api_token, bearer

URL = f"/channels/web/{SLUG}/signals"
SITE = "https://www.harborpointhonda.example"
STOCK = "N26101"


@dataclass
class Door:
    client: TestClient
    store: Store
    clock: FrozenClock
    dealer_id: int

    def at(self, minutes_ago: float = 0) -> str:
        return (self.clock.now() - timedelta(minutes=minutes_ago)).isoformat()

    def view(self, visitor: str = "a1b2c3", minutes_ago: float = 1, **more: Any) -> dict[str, Any]:
        """What the tag sends for a vehicle page."""
        return {
            "type": "vdp_view",
            "at": self.at(minutes_ago),
            "visitor_id": visitor,
            "vehicle": {"stock": STOCK},
            "properties": {"page": f"/new/{STOCK}"},
            **more,
        }

    def send(self, body: Any, *, url: str = URL, json_type: bool = False) -> Any:
        """`body` as the tag posts it (JSON text as text/plain, from the dealer's origin)."""
        kind = "application/json" if json_type else "text/plain;charset=UTF-8"
        text = body if isinstance(body, str) else json.dumps(body)
        headers = {"Content-Type": kind, "Origin": SITE}
        return self.client.post(url, content=text.encode(), headers=headers)

    def stored(self) -> list[ShopperEvent]:
        with self.store.reading() as uow:
            query = sa.select(ShopperEvent).where(ShopperEvent.dealership_id == self.dealer_id)
            rows = list(uow.session.scalars(query.order_by(ShopperEvent.id)))
            uow.session.expunge_all()
            return rows


def _door(folder: Path, db_url: str, models_dir: Path, clock: FrozenClock, **settings: Any) -> Any:
    migrate.upgrade(db_url)
    store = Store(db_url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    with store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
    app = create_app(
        demo_settings(folder, db_url, inline_worker=False, **settings),
        clock=clock,
        models_dir=models_dir,
    )
    return app, store, dealer_id


@pytest.fixture
def door(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Door]:
    app, store, dealer_id = _door(tmp_path, db_url, models_dir, clock)
    try:
        with TestClient(app) as client:
            yield Door(client, store, clock, dealer_id)
    finally:
        store.dispose()


def test_the_tag_is_served_like_the_widget(door: Door) -> None:
    script = door.client.get("/signals.js")
    widget = door.client.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert script.headers["cache-control"] == widget.headers["cache-control"]
    assert "__NIGHTSHIFT_PUBLIC_BASE_URL__" not in script.text
    assert "/channels/web/" in script.text and "data-nightshift-stock" in script.text


def test_a_page_view_is_stored_for_its_visitor_and_a_resend_is_a_duplicate(door: Door) -> None:
    sent = door.view(event_id="7f3a9c")
    answer = door.send(sent)
    assert answer.status_code == 202, answer.text
    assert answer.json() == {"accepted": 1, "duplicates": 0}
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers
    [row] = door.stored()
    assert (row.type, row.visitor_id, row.stock, row.customer_id) == (
        "vdp_view",
        "a1b2c3",
        STOCK,
        None,
    )
    assert row.properties == {"page": f"/new/{STOCK}"}
    again = door.send(sent)
    assert again.status_code == 202 and again.json() == {"accepted": 0, "duplicates": 1}
    searches = [door.view(), {"type": "srp_search", "at": door.at(), "visitor_id": "a1b2c3"}]
    both = door.send(searches, json_type=True)
    assert both.status_code == 202 and both.json()["accepted"] == 2
    assert [r.type for r in door.stored()] == ["vdp_view", "vdp_view", "srp_search"]


def test_a_pages_event_ids_cannot_shadow_the_integrations(door: Door) -> None:
    """An id the site's backend will send with its token is still its own to send."""
    assert door.send(door.view(event_id="site-81723")).json()["accepted"] == 1
    token = bearer(api_token(door.store, SLUG))
    from_backend = door.client.post(
        "/api/events", json=door.view(event_id="site-81723"), headers=token
    )
    assert from_backend.status_code == 201 and from_backend.json()["accepted"] == 1
    assert len(door.stored()) == 2


def _fields(answer: Any) -> list[str]:
    assert answer.status_code == 422, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"
    return [d["field"] for d in answer.json()["detail"]]


def test_a_page_cannot_name_a_customer_and_nothing_of_it_is_stored(door: Door) -> None:
    lone = door.send(door.view(customer={"phone": "+18055550142"}))
    assert _fields(lone) == ["customer"]
    assert "phone number" in lone.json()["detail"][0]["msg"]
    batch = door.send([door.view(), door.view(customer={"email": "dana@example.com"})])
    assert _fields(batch) == ["[1].customer"]
    assert door.stored() == []


@pytest.mark.parametrize("kind", ["form_submission", "price_watch", "service_visit", "page_view"])
def test_only_browsing_types_come_from_a_page(door: Door, kind: str) -> None:
    answer = door.send(door.view(type=kind))
    assert _fields(answer) == ["type"]
    assert "vdp_view or srp_search" in answer.json()["detail"][0]["msg"]
    assert door.stored() == []


def test_the_time_of_a_view_is_the_servers(door: Door) -> None:
    """A browser's clock is not trusted: an hour fast, an hour slow, without an offset, or
    not sent, the view is stored at the time it arrived."""
    sent = [
        door.view("v-fast", at=(door.clock.now() + timedelta(hours=1)).isoformat()),
        door.view("v-slow", at=(door.clock.now() - timedelta(hours=1)).isoformat()),
        door.view("v-naive", at="2026-03-06T21:00:00"),
        {k: v for k, v in door.view("v-none").items() if k != "at"},
    ]
    for view in sent:
        assert door.send(view).status_code == 202
    assert {e.at for e in door.stored()} == {door.clock.now()}


def test_a_visitor_id_is_required_and_the_contract_still_holds(door: Door) -> None:
    nobody = door.view()
    del nobody["visitor_id"]
    assert _fields(door.send(nobody)) == ["visitor_id"]
    assert _fields(door.send("{not json")) == ["body"]
    assert _fields(door.send('{"type": "vdp_view", "visitor_id": "\\ud800"}')) == ["visitor_id"]
    assert _fields(door.send(door.view(dealership="desert-sun-toyota"))) == ["dealership"]
    assert door.stored() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("", "body"),
        ("null", "body"),
        ("[]", "body"),
        ("[1]", "[0]"),
        ('"vdp_view"', "body"),
        ("[" * 1500 + "]" * 1500, "body"),  # deeper than Python's JSON parser goes
    ],
)
def test_odd_bodies_are_refused_naming_where(door: Door, body: str, field: str) -> None:
    assert _fields(door.send(body)) == [field]
    assert door.stored() == []


def test_at_most_ten_events_and_four_kilobytes(door: Door) -> None:
    eleven = door.send([door.view(event_id=f"e{i}") for i in range(11)])
    assert _fields(eleven) == ["body"] and "expected 1 to 10" in eleven.text
    big = door.send(door.view(properties={"page": "/" + "x" * 4100}))
    assert big.status_code == 413 and "4096" in big.text
    assert door.stored() == []
    ten = door.send([door.view(event_id=f"e{i}") for i in range(10)])
    assert ten.status_code == 202 and ten.json()["accepted"] == 10


def test_unknown_dealership_and_other_content_types(door: Door) -> None:
    nowhere = door.send(door.view(), url="/channels/web/no-such-dealer/signals")
    assert nowhere.status_code == 404 and "dealership" in nowhere.text
    form = door.client.post(URL, data={"type": "vdp_view"}, headers={"Origin": SITE})
    assert form.status_code == 415
    assert door.stored() == []


def test_the_cors_preflight_of_a_json_post_is_answered(door: Door) -> None:
    answer = door.client.options(
        URL,
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "content-type" in answer.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in answer.headers


def test_a_web_chat_joins_the_visitors_views_before_and_after_it(door: Door) -> None:
    door.send([door.view("webvisitor42", 30), door.view("webvisitor42", 20)])
    runtime = services_of(door.client.app).runtime()
    turn = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "web", "webvisitor42", "Hi, I'm Sam Patel, call me at 805-555-0188")
    )
    door.send(door.view("webvisitor42", 0))  # back on the site after the chat
    with door.store.reading() as uow:
        chatter = conversations.get_conversation(uow, conversation_id=turn.conversation_id)
        by_phone = customers.find_by_phone(uow, dealership_id=door.dealer_id, phone="8055550188")
    assert by_phone is not None and by_phone.id == chatter.customer_id
    assert [r.customer_id for r in door.stored()] == [by_phone.id] * 3


def test_logs_hold_counts_not_visitors(door: Door, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="nightshift.site_signals")
    door.send(door.view("v-secret-77", event_id="evt-secret"))
    door.send(door.view("v-secret-77", customer={"phone": "805-555-0191"}))
    lines = [r.getMessage() for r in caplog.records if r.name == "nightshift.site_signals"]
    assert len(lines) == 2 and "site_events_ingested" in lines[0]
    for secret in ("v-secret-77", "evt-secret", "555-0191", STOCK):
        assert not any(secret in line for line in lines), secret


def test_a_flood_from_one_address_is_refused(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    """The door is under the per-IP limit of the web chat's routes."""
    db_url = f"sqlite:///{tmp_path}/limited.db"
    app, store, dealer_id = _door(tmp_path, db_url, models_dir, clock, rate_limit_per_minute=3)
    try:
        with TestClient(app) as client:
            door = Door(client, store, clock, dealer_id)
            answers = [door.send(door.view(event_id=f"f{i}")) for i in range(5)]
            stored = door.stored()
    finally:
        store.dispose()
    assert [a.status_code for a in answers] == [202, 202, 202, 429, 429]
    assert int(answers[3].headers["retry-after"]) >= 1
    assert len(stored) == 3
