"""Intent alerts in the console over HTTP, through the real app and a signed-in session, on
SQLite and PostgreSQL: "Alerts for me" lists Maria's alert and not Jake's, with a link to the
customer's page; acknowledging and resolving from it move the alert, write its steps and the
console audit; a form without the session's CSRF token changes nothing; another dealership's
alert is not found and a colleague's is not Maria's to touch (a manager's, it is)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import alerts, audit, customers, dealerships, staff
from crm_store.alerts import NewAlert
from crm_store.db import Store
from crm_store.types import AlertStatus
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.world import apply_world, load_world_file
from tests.console.test_sign_in_http import BASE, DANIEL, sign_in
from tests.demo import DEMO, ROOT, SLUG, demo_settings

OTHER = "desert-sun-toyota"
DANA = "+18055550142"  # a demo customer, Maria's
REASON = "4th view of the 2026 Civic LX (N26101) in 30 min, last just now"


@dataclass(frozen=True)
class Site:
    client: TestClient
    store: Store


@pytest.fixture
def site(db_url: str, tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Site]:
    """The demo (and a second dealership) served without background workers."""
    settings = demo_settings(tmp_path, db_url, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        store = services_of(app).store
        apply_world(store, load_world_file(DEMO))
        apply_world(store, load_world_file(ROOT / "examples" / f"{OTHER}.yaml"))
        yield Site(client, store)


def paged(store: Store, handle: str, reason: str = REASON, slug: str = SLUG) -> int:
    """An alert about Dana at `slug`, paged to its staff member `handle` (written straight
    to the store, as the worker's routing job does)."""
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        shopper = customers.find_by_phone(uow, dealership_id=dealer_id, phone=DANA)
        if shopper is None:
            shopper = customers.upsert_customer(
                uow, dealership_id=dealer_id, phone=DANA, name="Dana Ruiz"
            )
        found = alerts.create_alert(
            uow,
            dealership_id=dealer_id,
            alert=NewAlert(
                customer_id=shopper.id,
                vehicle_id=None,
                rule="repeat_views",
                reason=reason,
                dedupe_key=f"repeat_views:{shopper.id}:{reason}",
                fired_at=uow.now(),
            ),
        )
        member = staff.find_staff(uow, dealership_id=dealer_id, handle=handle)
        alerts.page(uow, alert_id=found.id, staff_id=member.id, rule="owner")
        return found.id


def section(site: Site, path: str = "/console/alerts") -> str:
    """The "Alerts for me" section of the alerts page (or of the inbox, where it stands
    above the conversations)."""
    page = site.client.get(path)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    return page.text.split('id="alerts"', 1)[1].split("</section>", 1)[0]


def status_of(site: Site, alert_id: int) -> AlertStatus:
    with site.store.reading() as uow:
        return alerts.get_alert(uow, alert_id=alert_id).status


def test_alerts_for_me_lists_mine_not_a_colleagues(site: Site) -> None:
    mine = paged(site.store, "maria")
    paged(site.store, "jake", reason="used the trade-in calculator")
    sign_in(site.client)
    with site.store.reading() as uow:
        alert = alerts.get_alert(uow, alert_id=mine)
    for path in ("/console/alerts", "/console/inbox"):
        shown = section(site, path)
        row = shown.split(f'id="alert-{mine}"', 1)[1].split("</li>", 1)[0]
        assert REASON in row and "Dana Ruiz" in row and "paged" in row
        assert f'href="/console/customers/{alert.customer_id}"' in row
        assert f'action="/console/alerts/{mine}/ack"' in row and "Acknowledge" in row
        assert "trade-in calculator" not in shown


def test_ack_then_resolve_from_the_console(site: Site) -> None:
    alert_id = paged(site.store, "maria")
    csrf = sign_in(site.client)
    acked = site.client.post(f"/console/alerts/{alert_id}/ack", data={"csrf": csrf})
    assert acked.status_code == 303 and acked.headers["location"] == "/console/inbox#alerts"
    assert status_of(site, alert_id) is AlertStatus.ACKED
    assert f'action="/console/alerts/{alert_id}/ack"' not in section(site)  # done already
    back = {"csrf": csrf, "back": "alerts"}
    done = site.client.post(f"/console/alerts/{alert_id}/resolve", data=back)
    assert done.status_code == 303 and done.headers["location"] == "/console/alerts#alerts"
    assert status_of(site, alert_id) is AlertStatus.RESOLVED
    assert f'id="alert-{alert_id}"' not in section(site)
    with site.store.reading() as uow:
        trail = [(s.action, s.detail.get("via")) for s in alerts.steps(uow, alert_id=alert_id)]
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        logged = audit.entries(uow, dealership_id=dealer_id)
    assert trail[-2:] == [("acked", "console"), ("resolved", "console")]
    assert [(e.action, e.target, e.actor) for e in logged[:2]] == [
        ("alert_resolve", f"alert:{alert_id}", "Maria Lopez (maria)"),
        ("alert_ack", f"alert:{alert_id}", "Maria Lopez (maria)"),
    ]


def test_a_form_without_the_sessions_csrf_token_changes_nothing(site: Site) -> None:
    alert_id = paged(site.store, "maria")
    sign_in(site.client)
    for data in ({}, {"csrf": "x" * 43}):
        for action in ("ack", "resolve"):
            answer = site.client.post(f"/console/alerts/{alert_id}/{action}", data=data)
            assert answer.status_code == 403 and "csrf" in answer.text, (action, data)
    assert status_of(site, alert_id) is AlertStatus.PAGED


def test_another_dealerships_alert_is_not_found_a_colleagues_not_mine(site: Site) -> None:
    theirs = paged(site.store, "carol", slug=OTHER)
    jakes = paged(site.store, "jake")
    csrf = sign_in(site.client)
    for alert_id in (theirs, 999_999):
        answer = site.client.post(f"/console/alerts/{alert_id}/resolve", data={"csrf": csrf})
        assert answer.status_code == 404 and "alert not found" in answer.text
    refused = site.client.post(f"/console/alerts/{jakes}/ack", data={"csrf": csrf})
    assert refused.status_code == 403 and "manager" in refused.text
    assert (status_of(site, theirs), status_of(site, jakes)) == (
        AlertStatus.PAGED,
        AlertStatus.PAGED,
    )
    boss = sign_in(site.client, DANIEL)  # the manager may close a salesperson's alert
    closed = site.client.post(f"/console/alerts/{jakes}/resolve", data={"csrf": boss})
    assert closed.status_code == 303 and status_of(site, jakes) is AlertStatus.RESOLVED
