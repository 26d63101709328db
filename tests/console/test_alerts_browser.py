"""An intent alert in the live console, in real Chromium at a phone's width (360 px): Maria
has her alerts open when an alert about Dana is paged to her; without a reload the row
appears in "Alerts for me", a browser notification and the banner say "New alert: Dana —
4th view ...", she acknowledges it from the row and then resolves it. No console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from crm_store import alerts
from crm_store.types import AlertStatus
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.console.signed_in import signed_in
from tests.console.test_alerts_http import REASON, paged
from tests.console.test_live_browser import LIVE_TIMEOUT_MS, RECORD_NOTIFICATIONS
from tests.console.test_live_http import Served, served_app
from tests.console.test_sign_in_http import MARIA

NEWS = f"New alert: Dana \u2014 {REASON}"


@pytest.fixture
def live(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Served]:
    with served_app(tmp_path, models_dir, clock, poll=0.5) as app:
        yield app


def test_an_alert_reaches_marias_open_alerts_live_and_she_acks_and_resolves_it(
    live: Served,
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    store = live.services.store
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            viewport = {"width": 360, "height": 740}
            page, problems = signed_in(browser, live.services, live.base, MARIA, viewport)
            page.context.grant_permissions(["notifications"], origin=live.base)
            page.context.add_init_script(RECORD_NOTIFICATIONS)
            page.goto(live.base + "/console/alerts")
            expect(page.locator("#alerts")).to_contain_text("Nothing here.")
            page.wait_for_selector("html[data-live=open]", state="attached")
            page.evaluate("window.__marker = 1")

            alert_id = paged(store, "maria")
            row = page.locator(f"#alert-{alert_id}")
            expect(row).to_contain_text(REASON, timeout=LIVE_TIMEOUT_MS)
            expect(row).to_contain_text("Dana Ruiz")
            assert page.evaluate("window.__marker") == 1, "the page was reloaded"
            page.wait_for_function("window.__notes.length > 0", timeout=LIVE_TIMEOUT_MS)
            assert page.evaluate("window.__notes") == [{"title": NEWS, "tag": f"alert-{alert_id}"}]
            expect(page.locator("#live-banner")).to_have_text(NEWS)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the alerts page is {width} px wide at a 360 px viewport"

            row.get_by_role("button", name="Acknowledge").click()
            page.wait_for_url(live.base + "/console/alerts#alerts")
            expect(row).to_contain_text("acked")
            expect(row.get_by_role("button", name="Acknowledge")).to_have_count(0)
            row.get_by_role("button", name="Resolve").click()
            page.wait_for_url(live.base + "/console/alerts#alerts")
            expect(page.locator("#alerts")).to_contain_text("Nothing here.")
        finally:
            browser.close()
    with store.reading() as uow:
        assert alerts.get_alert(uow, alert_id=alert_id).status is AlertStatus.RESOLVED
    assert not problems, problems
