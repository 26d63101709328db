"""The inbox in real Chromium at a phone's width (360 px): a shopper chats in the web widget,
their conversation is handed off and the routing ladder pages a salesperson, who signs in,
finds it first in their inbox, opens it, claims it and replies; the shopper's widget shows
the reply live. No
console errors on the console's pages (they have no scripts)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_store import conversations, handoffs, staff
from crm_store.types import HandoffStatus
from nightshift.http.services import Services
from tests.browser import ARGS, CHROMIUM, require_chromium, watch_problems
from tests.helpers import OnShift, serving_demo
from tests.widget import REPLY_TIMEOUT_MS, conversation_id, first_message


@pytest.fixture
def served(tmp_path: Path, models_dir: Path) -> Iterator[tuple[str, Services]]:
    """The real app, its workers running, on a free port over the demo dealership, at a
    time when its salespeople are on shift."""
    with serving_demo(tmp_path, models_dir, OnShift(), inline_worker=True) as served:
        yield served


def hand_off(services: Services, public_id: str) -> str:
    """Hand the shopper's conversation off; once the routing ladder has paged someone, a
    sign-in link for that salesperson."""
    with services.store.unit_of_work() as uow:
        convo = conversations.get_by_public_id(uow, public_id=public_id)
        handoff_id = handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing"],
            confidence=0.9,
        ).id
    deadline = time.monotonic() + 30
    while True:
        with services.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=handoff_id)
            if found.status is HandoffStatus.PAGED and found.assigned_staff_id is not None:
                paged = staff.get_staff(uow, staff_id=found.assigned_staff_id)
                break
        assert time.monotonic() < deadline, "the handoff was never paged"
        time.sleep(0.1)
    assert paged.email is not None
    asked = services.accounts.request_link(dealership_id=found.dealership_id, email=paged.email)
    assert asked.link is not None, asked.refused
    return asked.link.url


def test_the_paged_salesperson_claims_and_replies_from_her_inbox_and_the_widget_shows_it(
    served: tuple[str, Services], tmp_path: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, services = served

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            shopper = browser.new_context().new_page()
            shopper.goto(base + "/")
            chat = first_message(shopper, "hi there")
            public_id = conversation_id(shopper)
            link = hand_off(services, public_id)

            page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
            problems = watch_problems(page)
            page.goto(link)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/console")
            page.get_by_role("link", name="Inbox").click()
            page.wait_for_url(base + "/console/inbox")
            first = page.locator("#waiting .item").first
            expect(first).to_contain_text("financing")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the inbox is {width} px wide at a 360 px viewport"
            first.get_by_role("link").click()
            page.wait_for_url(f"{base}/console/conversations/{public_id}")
            expect(page.locator("#handoff")).to_contain_text("financing")
            page.get_by_role("button", name="Claim").click()
            expect(page.get_by_role("status")).to_contain_text("It's yours")
            expect(page.get_by_role("button", name="Hand back to the assistant")).to_be_visible()
            page.get_by_label("Reply to the shopper").fill("Hi, happy to help with financing.")
            page.get_by_role("button", name="Send").click()
            expect(page.get_by_role("status")).to_contain_text("Sent to the shopper.")
            expect(page.locator("#transcript")).to_contain_text("happy to help")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the conversation is {width} px wide at a 360 px viewport"
            page.screenshot(path=str(tmp_path / "console-conversation-360.png"), full_page=True)

            expect(chat.locator(".staff").last).to_contain_text(
                "happy to help", timeout=REPLY_TIMEOUT_MS
            )
        finally:
            browser.close()
    assert not problems, problems
