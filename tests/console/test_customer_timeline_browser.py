"""The customer's page in Chromium on a phone (360 px): reached from the conversation page
by the customer's name, the whole timeline shown without sideways scrolling (a note with a
long link included) and without console errors; a screenshot is kept in var/test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from crm_store import conversations, dealerships, notes, staff, vehicles
from crm_store.types import VehicleStatus
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.console.customer_story import Story, tell
from tests.console.signed_in import signed_in
from tests.console.test_sign_in_http import MARIA
from tests.demo import SLUG
from tests.helpers import free_port, serving
from tests.security.conftest import prepare_demo

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PHONE = 360
LINK = "https://harborpointhonda.example/finance/apply?" + "step=credit&" * 12


@pytest.fixture
def served(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> Iterator[tuple[str, Services, Story]]:
    """The real app on a free port over the demo dealership and the customer's story."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = prepare_demo(tmp_path, models_dir, clock, public_base_url=base, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with serving(app, port):
        services = services_of(app)
        store = services.store
        with store.unit_of_work() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
            cars = vehicles.list_vehicles(
                uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
            )
        story = tell(store, clock, dealer_id=dealer_id, rep_id=maria.id, cars=(cars[0], cars[1]))
        with store.unit_of_work() as uow:
            found = conversations.get_by_public_id(uow, public_id=story.sms)
            notes.add_note(uow, conversation_id=found.id, staff_id=maria.id, text=f"Send {LINK}")
        yield base, services, story


def test_the_customer_page_fits_a_phone(served: tuple[str, Services, Story]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, services, story = served
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, problems = signed_in(
                browser, services, base, MARIA, {"width": PHONE, "height": 780}
            )
            page.goto(f"{base}/console/conversations/{story.sms}")
            page.get_by_role("link", name="Dana Ruiz").click()
            page.wait_for_url(f"{base}/console/customers/{story.customer_id}")
            entries = page.locator("#customer-timeline > li")
            expect(entries).to_have_count(14)  # the story's 13 and the note with the link
            expect(entries.first).to_contain_text("finance/apply")
            expect(page.locator("#customer-timeline")).to_contain_text("x5, Mar 5 10:05-10:45")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"console-customer-{PHONE}.png"
            page.screenshot(path=str(shot), full_page=True)
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= PHONE, f"the page is {scrolled} px wide at {PHONE} px"
            assert not problems, problems
        finally:
            browser.close()
    assert shot.stat().st_size > 5000
