"""An intent alert's page in real Chromium against the real app on a real uvicorn server: four
views of the Civic by Dana page Maria (on shift), she opens the signed link from the page SMS,
sees why, how to reach Dana and what she did, acknowledges the alert and resolves it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from contracts.clock import FrozenClock
from crm_store import alerts, migrate
from crm_store.db import Store
from crm_store.types import AlertStatus
from nightshift.app import create_app
from nightshift.world import apply_world, load_world_file
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.demo import DEMO, SLUG, demo_settings
from tests.handoff.test_ladder_flow import TUESDAY_2PM
from tests.helpers import free_port, serving
from tests.signals.test_alert_routing_http import DANA, REASON, alert_pages, eventually
from tests.tokens import api_token, bearer

LINK = re.compile(r"(http://\S+/staff/alerts/(\d+)/\d+\?exp=\d+&sig=[0-9a-f]{64})$")


@pytest.fixture
def served(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[tuple[str, Store]]:
    """The app (job runner in-process) on Tuesday afternoon, when Maria is on shift, on a
    free port that its signed links point at."""
    clock.set(TUESDAY_2PM)
    port = free_port()
    settings = demo_settings(
        tmp_path, public_base_url=f"http://127.0.0.1:{port}", job_poll_seconds=0.2
    )
    migrate.upgrade(settings.database_url)
    store = Store(settings.database_url, clock=clock)
    apply_world(store, load_world_file(DEMO))
    try:
        with serving(create_app(settings, clock=clock, models_dir=models_dir), port) as base:
            yield base, store
    finally:
        store.dispose()


def test_maria_opens_the_alert_from_her_page_acks_and_resolves_it(
    served: tuple[str, Store], clock: FrozenClock
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, store = served
    views = [
        {
            "type": "vdp_view",
            "at": (clock.now() - timedelta(minutes=m)).isoformat(),
            "customer": {"phone": DANA},
            "vehicle": {"stock": "N26101"},
        }
        for m in (30, 20, 10, 0)
    ]
    answer = httpx.post(f"{base}/api/events", json=views, headers=bearer(api_token(store, SLUG)))
    assert answer.status_code == 201 and answer.json()["alerts"] == 1, answer.text
    [(_, body)] = eventually(lambda: alert_pages(store))
    match = LINK.search(body)
    assert match is not None, body
    link, alert_id = match.groups()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(link)
            expect(page.get_by_role("heading", name=f"Alert #{alert_id}")).to_be_visible()
            expect(page.locator("#reason")).to_have_text(REASON)
            expect(page.get_by_role("link", name=DANA)).to_have_attribute("href", f"tel:{DANA}")
            expect(page.locator("#activity li")).to_have_count(1)
            expect(page.locator("#activity li")).to_contain_text("viewed N26101 x4")
            timeline = page.get_by_role("link", name="Customer timeline")
            expect(timeline).to_have_attribute("href", re.compile(r"^/console/customers/\d+$"))
            expect(page.locator("#status")).to_have_text("Acting as Maria Lopez")

            page.get_by_role("button", name="Acknowledge").click()
            expect(page.locator("#state")).to_contain_text("acknowledged")
            expect(page.get_by_role("button", name="Acknowledge")).to_be_disabled()
            page.get_by_role("button", name="Resolve").click()
            expect(page.locator("#trail li").last).to_contain_text("resolved · Maria Lopez")
            expect(page.get_by_role("button", name="Resolve")).to_be_disabled()
        finally:
            browser.close()
    with store.reading() as uow:
        assert alerts.get_alert(uow, alert_id=int(alert_id)).status is AlertStatus.RESOLVED
