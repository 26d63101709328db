"""`POST /api/events` through the real app (create_app, its lifespan, routers, middleware
and error handlers) over the demo dealership, with real API tokens, on SQLite and
PostgreSQL: single events and batches of up to 500, all or nothing, idempotent on event_id,
the token's dealership only, and a web chat that joins the visitor's earlier browsing."""

from __future__ import annotations

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
from crm_store import conversations, customers, dealerships, migrate, shopper_events
from crm_store.db import Store
from crm_store.models import ShopperEvent
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, ROOT, SLUG, demo_settings
from tests.tokens import api_token, bearer

OTHER = "desert-sun-toyota"
DANA = "+18055550142"  # a demo customer, Maria's
URL = "/api/events"


@dataclass
class Site:
    client: TestClient
    store: Store
    clock: FrozenClock
    dealer_id: int
    headers: dict[str, str]  # an integration token of the demo dealership

    def at(self, minutes_ago: float) -> str:
        return (self.clock.now() - timedelta(minutes=minutes_ago)).isoformat()

    def post(self, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            URL, json=body, headers=self.headers if headers is None else headers
        )

    def stored(self, dealer_id: int | None = None) -> list[ShopperEvent]:
        """Every event stored for the dealership (the demo one unless named), oldest first."""
        with self.store.reading() as uow:
            query = (
                sa.select(ShopperEvent)
                .where(ShopperEvent.dealership_id == (dealer_id or self.dealer_id))
                .order_by(ShopperEvent.id)
            )
            rows = list(uow.session.scalars(query))
            uow.session.expunge_all()
            return rows

    def events_of(self, customer_id: int) -> list[shopper_events.ShopperEventRecord]:
        with self.store.reading() as uow:
            return shopper_events.list_events(
                uow, dealership_id=self.dealer_id, customer_id=customer_id
            )


@pytest.fixture
def site(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Site]:
    settings = demo_settings(tmp_path, db_url, inline_worker=False)
    migrate.upgrade(db_url)
    store = Store(db_url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    apply_world(store, load_world_file(ROOT / "examples" / "desert-sun-toyota.yaml"))
    with store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
    try:
        with TestClient(create_app(settings, clock=clock, models_dir=models_dir)) as client:
            yield Site(client, store, clock, dealer_id, bearer(api_token(store, SLUG)))
    finally:
        store.dispose()


def view(site: Site, minutes_ago: float, **more: Any) -> dict[str, Any]:
    return {"type": "vdp_view", "at": site.at(minutes_ago), "vehicle": {"stock": "N26101"}, **more}


def test_one_event_and_a_full_batch_are_stored(site: Site) -> None:
    one = site.post(view(site, 5, customer={"phone": "(805) 555-0142"}))
    assert one.status_code == 201, one.text
    assert one.json() == {
        "accepted": 1,
        "duplicates": 0,
        "customers_linked": 1,
        "customers_created": 0,
        "joined": 0,
        "alerts": 0,
    }
    batch = [view(site, 600 - i, visitor_id="v-batch", event_id=f"b-{i}") for i in range(500)]
    many = site.post(batch)  # larger than the app's general 64 KiB body cap
    assert many.status_code == 201, many.text
    assert many.json()["accepted"] == 500
    assert len(site.stored()) == 501
    with site.store.reading() as uow:
        dana = customers.find_by_phone(uow, dealership_id=site.dealer_id, phone=DANA)
    assert dana is not None and [e.type for e in site.events_of(dana.id)] == ["vdp_view"]


def test_over_five_hundred_is_refused_and_nothing_stored(site: Site) -> None:
    answer = site.post([view(site, 1)] * 501)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["field"] == "body" and "expected 1 to 500" in problem["msg"]
    assert len(site.stored()) == 0


def test_one_bad_event_refuses_the_batch_naming_its_field(site: Site) -> None:
    batch = [view(site, 9 - i, event_id=f"ok-{i}") for i in range(5)]
    batch[3] = {**batch[3], "at": "2026-03-06T21:00:00"}  # no UTC offset
    answer = site.post(batch)
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert (problem["field"], problem["loc"]) == ("[3].at", ["body", 3, "at"])
    assert len(site.stored()) == 0
    assert site.post(batch[:3]).status_code == 201 and len(site.stored()) == 3


def test_a_resent_batch_is_reported_as_duplicates_and_not_doubled(site: Site) -> None:
    batch = [view(site, 9 - i, event_id=f"r-{i}", visitor_id="v-r") for i in range(4)]
    assert site.post(batch).json()["accepted"] == 4
    again = site.post([*batch, view(site, 1, event_id="r-new", visitor_id="v-r")])
    assert again.status_code == 201
    assert (again.json()["accepted"], again.json()["duplicates"]) == (1, 4)
    assert len(site.stored()) == 5


def test_unknown_types_and_asc_names_are_taken(site: Site) -> None:
    answer = site.post(
        [
            {"type": "brochure_download", "at": site.at(3)},
            {
                "type": "asc_item_pageview",
                "at": site.at(2),
                "properties": {"item_number": "N26102"},
            },
        ]
    )
    assert answer.status_code == 201 and answer.json()["accepted"] == 2
    brochure, pageview = site.stored()
    assert (brochure.type, brochure.sent_as, brochure.vehicle_id) == (
        "brochure_download",
        None,
        None,
    )
    assert (pageview.type, pageview.sent_as) == ("vdp_view", "asc_item_pageview")
    assert pageview.stock == "N26102" and pageview.vehicle_id is not None


def test_anonymous_browsing_joins_when_a_form_gives_the_phone(site: Site) -> None:
    site.post([view(site, 60 - i, visitor_id="v-form") for i in range(3)])
    form = {
        "type": "form_submission",
        "at": site.at(1),
        "visitor_id": "v-form",
        "customer": {"phone": DANA},
        "properties": {"form_name": "Check availability"},
    }
    answer = site.post(form)
    assert answer.json()["joined"] == 3 and answer.json()["customers_created"] == 0
    with site.store.reading() as uow:
        dana = customers.find_by_phone(uow, dealership_id=site.dealer_id, phone=DANA)
    assert dana is not None and len(site.events_of(dana.id)) == 4


def test_a_web_chat_that_learns_the_phone_joins_the_visitors_browsing(site: Site) -> None:
    site.post([view(site, 30 - i, visitor_id="webvisitor42") for i in range(2)])
    runtime = services_of(site.client.app).runtime()
    turn = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "web", "webvisitor42", "Hi, I'm Sam Patel, call me at 805-555-0188")
    )
    with site.store.reading() as uow:
        chat_customer = conversations.get_conversation(
            uow, conversation_id=turn.conversation_id
        ).customer_id
    assert len(site.events_of(chat_customer)) == 2  # the browsing before the chat
    site.post({"type": "price_watch", "at": site.at(0), "customer": {"phone": "8055550188"}})
    with site.store.reading() as uow:
        by_phone = customers.find_by_phone(uow, dealership_id=site.dealer_id, phone="8055550188")
    assert by_phone is not None and by_phone.id == chat_customer
    assert [e.type for e in site.events_of(chat_customer)] == [
        "vdp_view",
        "vdp_view",
        "price_watch",
    ]


def test_only_managers_and_integrations_of_this_dealership_write_here(site: Site) -> None:
    event = view(site, 1, event_id="who-1")
    assert site.post(event, headers={}).status_code == 401
    sales = bearer(api_token(site.store, SLUG, staff_handle="maria"))
    assert site.post(event, headers=sales).status_code == 403
    manager = bearer(api_token(site.store, SLUG, staff_handle="daniel"))
    assert site.post(event, headers=manager).status_code == 201
    other = bearer(api_token(site.store, OTHER))  # stored as the other dealership's, not ours
    assert site.post({**event, "event_id": "who-2"}, headers=other).status_code == 201
    with site.store.reading() as uow:
        other_id = dealerships.id_for_slug(uow, slug=OTHER)
    assert (len(site.stored()), len(site.stored(other_id))) == (1, 1)
    named = site.post({**event, "event_id": "who-3", "dealership": SLUG}, headers=other)
    assert named.status_code == 403
    assert site.post({**event, "event_id": "who-3", "dealership": SLUG}).status_code == 201
    assert (len(site.stored()), len(site.stored(other_id))) == (2, 1)


def test_logs_hold_counts_not_people(site: Site, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="nightshift.events")
    site.post(
        view(
            site,
            1,
            visitor_id="v-secret-77",
            event_id="evt-secret",
            customer={"phone": "805-555-0191", "email": "pat@example.com"},
        )
    )
    site.post([{"type": "vdp_view", "at": "soon", "customer": {"email": "pat@example.com"}}])
    lines = [r.getMessage() for r in caplog.records if r.name == "nightshift.events"]
    assert len(lines) == 2 and "events_ingested" in lines[0] and "events_rejected" in lines[1]
    for secret in ("555-0191", "5550191", "pat@", "v-secret-77", "evt-secret"):
        assert not any(secret in line for line in lines), secret
