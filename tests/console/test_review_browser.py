"""Transcript review in real Chromium at a desktop's width (1280 px): the manager signs in
with a link, opens Review from the console's home, filters the conversations by outcome,
opens the one handed off for financing, flags it with a note and finds it in the review
queue. No console errors on the way (the pages have no scripts, under a strict
Content-Security-Policy), no sideways scrolling; a screenshot of the review view is kept in
var/test-artifacts/ (git-ignored). At a phone's width (360 px) the list, the review view and
the queue fit the screen too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.clock import FrozenClock
from crm_store.records import ConversationRecord
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.console.signed_in import signed_in
from tests.console.test_review_http import make_week
from tests.helpers import free_port, serving
from tests.security.conftest import prepare_demo

DANIEL = "daniel.brooks@harborpointhonda.example"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
WIDTH = 1280


@pytest.fixture
def served(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> Iterator[tuple[str, Services, dict[str, ConversationRecord]]]:
    """The real app on a free port over the demo dealership and its week of conversations."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = prepare_demo(tmp_path, models_dir, clock, public_base_url=base, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with serving(app, port):
        services = services_of(app)
        yield base, services, make_week(services.store, clock)


def test_a_manager_filters_opens_flags_and_finds_it_in_the_queue(
    served: tuple[str, Services, dict[str, ConversationRecord]],
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, services, week = served
    financing = week["financing"].public_id
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, problems = signed_in(
                browser, services, base, DANIEL, {"width": WIDTH, "height": 900}
            )
            page.get_by_role("link", name="Review", exact=True).click()
            page.wait_for_url(base + "/console/review")
            expect(page.locator("#review-list .item")).to_have_count(3)
            page.get_by_label("Outcome").select_option("handed_off")
            page.get_by_role("button", name="Filter").click()
            page.wait_for_url("**/console/review?*outcome=handed_off*")
            rows = page.locator("#review-list .item")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text("handed off (financing)")
            rows.first.get_by_role("link").click()
            page.wait_for_url(f"{base}/console/review/{financing}")
            expect(page.locator("#transcript")).to_contain_text("Can I get financing?")
            expect(page.locator("#handoff")).to_contain_text("financing")
            page.get_by_label("Tag").select_option("missed_handoff")
            page.get_by_label("Note").fill("Should have asked for the trade-in first.")
            page.get_by_role("button", name="Flag", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("Flagged.")
            expect(page.locator("#flags")).to_contain_text("asked for the trade-in")
            expect(page.locator("#audit")).to_contain_text("review flag")
            scrolled = page.evaluate("document.documentElement.scrollWidth")
            assert scrolled <= WIDTH, f"the page is {scrolled} px wide at {WIDTH} px"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"console-review-{WIDTH}.png"
            page.screenshot(path=str(shot), full_page=True)
            page.get_by_role("link", name="Review queue").click()
            page.wait_for_url(base + "/console/review/queue")
            item = page.locator("#queue .item", has_text=financing)
            expect(item).to_contain_text("flagged")
            expect(item).to_contain_text("handed off")
            assert not problems, problems
        finally:
            browser.close()
    assert shot.stat().st_size > 5000


PHONE = 360


def test_the_review_pages_fit_a_phone(
    served: tuple[str, Services, dict[str, ConversationRecord]],
) -> None:
    """At 360 px the list, a conversation's review view (flagged from the phone, with a
    long link in the note) and the queue do not scroll sideways, and show no console
    errors; a screenshot of each is kept in var/test-artifacts/."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, services, week = served
    financing = week["financing"].public_id
    link = "https://harborpointhonda.example/finance/apply?" + "step=credit&" * 12
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page, problems = signed_in(
                browser, services, base, DANIEL, {"width": PHONE, "height": 780}
            )
            wide: dict[str, int] = {}

            def measure(name: str) -> None:
                page.screenshot(path=str(ARTIFACTS / f"console-{name}-{PHONE}.png"), full_page=True)
                scrolled = page.evaluate("document.documentElement.scrollWidth")
                if scrolled > PHONE:
                    wide[name] = scrolled

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.goto(base + "/console/review?from=2026-02-20")
            expect(page.locator("#review-list .item")).to_have_count(4)
            measure("review-list")
            page.locator("#review-list a", has_text=financing).click()
            page.get_by_label("Note").fill(f"Send {link} sooner.")
            page.get_by_role("button", name="Flag", exact=True).click()
            expect(page.locator("#flags")).to_contain_text("finance/apply")
            measure("review-view")
            page.get_by_role("link", name="Review queue").click()
            expect(page.locator("#queue .item", has_text=financing)).to_contain_text("flagged")
            measure("review-queue")
            assert wide == {}, f"wider than {PHONE} px: {wide}"
            assert not problems, problems
        finally:
            browser.close()
