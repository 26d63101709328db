"""The live console in real Chromium at a phone's width (360 px): Maria has her inbox open
when a shopper chatting in the web widget is handed off; the routing ladder pages her (she
owns the shopper and is on shift), and without a reload the row appears in "Waiting for me",
a browser notification says "New handoff: Jordan — financing" and the tab's title counts
it. She opens it from the notification, claims, replies, and the widget shows her reply;
when the shopper writes again, the message appears on her open conversation page, again
without a reload. No console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_store import conversations, handoffs, staff
from crm_store.models import Customer
from nightshift.http.services import Services
from tests.browser import ARGS, CHROMIUM, require_chromium, watch_problems
from tests.helpers import OnShift, serving_demo
from tests.widget import REPLY_TIMEOUT_MS, conversation_id, first_message

NEWS = "New handoff: Jordan \u2014 financing"
LIVE_TIMEOUT_MS = 20_000  # a bound on waiting, not a speed requirement (polls are 0.5 s)
# every Notification the page creates is recorded (headless Chromium shows none)
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  window.__notes = [];
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title: title, tag: (options || {}).tag });
      window.__lastNote = this;
    }
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = (...args) => Real.requestPermission(...args);
  window.Notification = Recorded;
})();
"""


@pytest.fixture
def served(tmp_path: Path, models_dir: Path) -> Iterator[tuple[str, Services]]:
    settings = {"inline_worker": True, "console_live_poll_seconds": 0.5}
    with serving_demo(tmp_path, models_dir, OnShift(), **settings) as served:
        yield served


def maria_owns(services: Services, public_id: str) -> str:
    """The widget's shopper is Jordan, Maria's customer; a sign-in link for Maria."""
    with services.store.unit_of_work() as uow:
        convo = conversations.get_by_public_id(uow, public_id=public_id)
        maria = staff.find_staff(uow, dealership_id=convo.dealership_id, handle="maria")
        shopper = uow.session.get_one(Customer, convo.customer_id)
        shopper.name, shopper.assigned_staff_id = "Jordan Lee", maria.id
    assert maria.email is not None
    asked = services.accounts.request_link(dealership_id=maria.dealership_id, email=maria.email)
    assert asked.link is not None, asked.refused
    return asked.link.url


def hand_off(services: Services, public_id: str) -> int:
    with services.store.unit_of_work() as uow:
        convo = conversations.get_by_public_id(uow, public_id=public_id)
        return handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing"],
            confidence=0.9,
        ).id


def paged_handle(services: Services, handoff_id: int) -> str | None:
    with services.store.reading() as uow:
        found = handoffs.get_handoff(uow, handoff_id=handoff_id)
        if found.assigned_staff_id is None:
            return None
        return staff.get_staff(uow, staff_id=found.assigned_staff_id).handle


def test_a_handoff_reaches_marias_open_inbox_live_and_she_answers_it(
    served: tuple[str, Services],
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
            link = maria_owns(services, public_id)

            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.grant_permissions(["notifications"], origin=base)
            context.add_init_script(RECORD_NOTIFICATIONS)
            page = context.new_page()
            problems = watch_problems(page)
            page.goto(link)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(base + "/console")
            page.get_by_role("link", name="Inbox").click()
            page.wait_for_url(base + "/console/inbox")
            expect(page.locator("#waiting")).to_contain_text("Nothing here.")
            page.wait_for_selector("html[data-live=open]", state="attached")
            page.evaluate("window.__marker = 1")
            # permission granted: nothing to turn on
            expect(page.get_by_role("button", name="Turn on notifications")).to_be_hidden()

            handoff_id = hand_off(services, public_id)
            row = page.locator("#waiting .item").first
            expect(row).to_contain_text("financing", timeout=LIVE_TIMEOUT_MS)
            expect(row).to_contain_text("Jordan")
            assert paged_handle(services, handoff_id) == "maria"
            assert page.evaluate("window.__marker") == 1, "the inbox was reloaded"
            page.wait_for_function("window.__notes.length > 0", timeout=LIVE_TIMEOUT_MS)
            notes = page.evaluate("window.__notes")
            assert notes == [
                {"title": "New handoff: Jordan \u2014 financing", "tag": f"handoff-{handoff_id}"}
            ]
            expect(page.locator("#live-banner")).to_have_text(
                "New handoff: Jordan \u2014 financing"
            )
            assert page.title().startswith("(1) Inbox")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"the live inbox is {width} px wide at a 360 px viewport"

            page.evaluate("window.__lastNote.onclick()")  # she clicks the notification
            page.wait_for_url(f"{base}/console/conversations/{public_id}")
            expect(page.locator("#handoff")).to_contain_text("financing")
            page.get_by_role("button", name="Claim").click()
            expect(page.get_by_role("status")).to_contain_text("It's yours")
            page.get_by_label("Reply to the shopper").fill(
                "Hi Jordan, happy to help with financing."
            )
            page.get_by_role("button", name="Send").click()
            expect(page.get_by_role("status")).to_contain_text("Sent to the shopper.")
            expect(chat.locator(".staff").last).to_contain_text(
                "happy to help", timeout=REPLY_TIMEOUT_MS
            )

            page.wait_for_selector("html[data-live=open]", state="attached")
            page.evaluate("window.__marker = 2")
            box = shopper.get_by_label("Type your message")
            box.type("Great, is Saturday morning possible?")
            box.press("Enter")
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("Saturday morning", timeout=LIVE_TIMEOUT_MS)
            assert page.evaluate("window.__marker") == 2, "the conversation page was reloaded"
            expect(page.get_by_label("Reply to the shopper")).to_be_visible()
        finally:
            browser.close()
    assert not problems, problems
