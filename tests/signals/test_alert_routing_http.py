"""Alerts end to end through the real app on SQLite and PostgreSQL: four `vdp_view` events
of Dana (Maria's customer) page Maria as soon as the 4th is stored (the events route wakes
the job runner, which otherwise looks once a minute here), a fifth pages nobody; the signed
alert page shows the reason, how to reach Dana and what she did, and acknowledges and
resolves the alert, audited; a link that was not signed for it is refused."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import audit, dealerships, migrate, staff
from crm_store.db import Store
from crm_store.models import Job
from handoff.pagers import STAFF_SMS_JOB
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG, demo_settings
from tests.handoff.test_ladder_flow import TUESDAY_2PM
from tests.signals.test_events_api import Site
from tests.tokens import api_token, bearer

DANA = "+18055550142"  # a demo customer, Maria's
REASON = "4th view of the 2026 Civic LX (N26101) in 30 min, last just now"
LINK = re.compile(r"https?://[^/]+(/staff/alerts/(\d+)/(\d+))\?(exp=\d+&sig=[0-9a-f]{64})")
T = TypeVar("T")


def views(site: Site, minutes_ago: list[float]) -> list[dict[str, Any]]:
    return [
        {
            "type": "vdp_view",
            "at": site.at(m),
            "customer": {"phone": DANA},
            "vehicle": {"stock": "N26101"},
        }
        for m in minutes_ago
    ]


def alert_pages(store: Store) -> list[tuple[str, str]]:
    """Every SMS to staff about an alert so far (sent or queued), as (to, body)."""
    with store.reading() as uow:
        rows = uow.session.scalars(sa.select(Job).where(Job.kind == STAFF_SMS_JOB)).all()
        return [
            (str(j.payload["to"]), str(j.payload["body"]))
            for j in rows
            if "/staff/alerts/" in str(j.payload["body"])
        ]


def handle_of(store: Store, staff_id: int) -> str:
    with store.reading() as uow:
        return staff.get_staff(uow, staff_id=staff_id).handle


def eventually(read: Callable[[], T], give_up_after: float = 15.0) -> T:
    """`read()` once it is truthy; the job runner is another thread (a bound, not a timing
    check: it fails only if the runner was never woken, as it polls once a minute here)."""
    deadline = time.monotonic() + give_up_after
    while not (found := read()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return found


@pytest.fixture
def live(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Site]:
    """The app with its job runner running inline (polling only once a minute) on Tuesday
    afternoon, when Maria is on shift."""
    clock.set(TUESDAY_2PM)
    settings = demo_settings(tmp_path, db_url, inline_worker=True, job_poll_seconds=60)
    migrate.upgrade(db_url)
    store = Store(db_url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    with store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
    try:
        with TestClient(create_app(settings, clock=clock, models_dir=models_dir)) as client:
            yield Site(client, store, clock, dealer_id, bearer(api_token(store, SLUG)))
    finally:
        store.dispose()


def test_the_fourth_view_pages_the_salesperson_at_once_and_a_fifth_nobody(live: Site) -> None:
    for minutes_ago in (30, 20, 10):
        assert live.post(views(live, [minutes_ago])).json()["alerts"] == 0
    fourth = live.post(views(live, [0]))
    assert fourth.status_code == 201 and fourth.json()["alerts"] == 1

    [(to, body)] = eventually(lambda: alert_pages(live.store))
    with live.store.reading() as uow:
        maria = staff.find_staff(uow, dealership_id=live.dealer_id, handle="maria")
    assert to == maria.phone
    assert body.startswith(f"Nightshift alert: {REASON} - Dana Ruiz. Reply 1 to take it.")

    fifth = live.post(views(live, [0]))
    assert fifth.status_code == 201 and fifth.json()["alerts"] == 0
    with live.store.reading() as uow:
        keys = uow.session.scalars(sa.select(Job.key).where(Job.key.like("alert:%"))).all()
    assert sorted(k.rsplit(":", 1)[0] for k in keys if ":page:" in k) == [
        "alert:1:page:1",  # one page (sms and e-mail), for the one alert
        "alert:1:page:1",
    ]
    assert len(alert_pages(live.store)) == 1


def test_the_signed_page_shows_the_alert_and_acks_and_resolves_it(site: Site) -> None:
    site.clock.set(TUESDAY_2PM)
    assert site.post(views(site, [30, 20, 10, 0])).json()["alerts"] == 1
    services_of(site.client.app).runtime().jobs.run_due()
    [(_, body)] = alert_pages(site.store)
    match = LINK.search(body)
    assert match is not None, body
    path, alert_id, staff_id, query = match.groups()
    assert handle_of(site.store, int(staff_id)) == "maria"
    api = f"/api{path.removeprefix('/staff')}?{query}"

    page = site.client.get(f"{path}?{query}")
    assert page.status_code == 200 and f"Alert #{alert_id}" in page.text
    shown = site.client.get(api).json()
    assert shown["alert"]["reason"] == REASON and shown["alert"]["status"] == "paged"
    customer = shown["customer"]
    assert (customer["name"], customer["phone"]) == ("Dana Ruiz", DANA)
    assert customer["email"] == "dana.ruiz@example.com"
    assert customer["timeline_url"] == f"/console/customers/{customer['id']}"
    assert [a["text"] for a in shown["activity"]] == ["viewed N26101 x4"]
    assert shown["acting_as"]["name"] == "Maria Lopez"

    acked = site.client.post(api.replace("?", "/ack?"))
    assert acked.status_code == 200
    assert (acked.json()["alert"]["status"], acked.json()["alert"]["acked"]) == ("acked", True)
    site.clock.advance(timedelta(minutes=10))
    resolved = site.client.post(api.replace("?", "/resolve?")).json()
    assert resolved["alert"]["status"] == "resolved"
    assert [(s["action"], s["staff"]) for s in resolved["steps"]] == [
        ("fired", None),
        ("paged", "Maria Lopez"),
        ("acked", "Maria Lopez"),
        ("resolved", "Maria Lopez"),
    ]
    assert resolved["steps"][2]["detail"] == {"via": "page"}
    with site.store.reading() as uow:
        logged = audit.entries(uow, dealership_id=site.dealer_id)
    assert [(e.action, e.target, e.via) for e in logged[:2]] == [
        ("alert_resolve", f"alert:{alert_id}", "link"),
        ("alert_ack", f"alert:{alert_id}", "link"),
    ]
    # the ack timeout finds it taken: nobody else is paged
    services_of(site.client.app).runtime().jobs.run_due()
    assert len(alert_pages(site.store)) == 1


def test_a_link_not_signed_for_this_alert_and_staff_member_is_refused(site: Site) -> None:
    site.clock.set(TUESDAY_2PM)
    assert site.post(views(site, [30, 20, 10, 0])).json()["alerts"] == 1
    services_of(site.client.app).runtime().jobs.run_due()
    [(_, body)] = alert_pages(site.store)
    match = LINK.search(body)
    assert match is not None
    path, alert_id, staff_id, query = match.groups()
    other_staff = f"/staff/alerts/{alert_id}/{int(staff_id) + 1}"
    as_handoff = f"/staff/handoffs/{alert_id}/{staff_id}"
    for forged in (other_staff, as_handoff):
        assert site.client.get(f"{forged}?{query}").status_code == 403, forged
    api = f"/api{path.removeprefix('/staff')}"
    assert site.client.post(f"{api}/ack?exp=1&sig={'0' * 64}").status_code == 403
    site.clock.advance(timedelta(hours=73))  # links last 72 h
    expired = site.client.get(f"{api}?{query}")
    assert expired.status_code == 403 and "expired" in expired.json()["detail"]
    with site.store.reading() as uow:
        assert audit.entries(uow, dealership_id=site.dealer_id) == []
