"""The signed handoff page in real Chromium shows the summary's lead score and its reasons
(the page builds the summary in the browser, from the page's JSON)."""

from __future__ import annotations

from pathlib import Path

from crm_store import conversations, customers, dealerships, handoffs, staff
from crm_store.types import Channel
from tests.browser import ARGS, CHROMIUM, require_chromium
from tests.demo import SLUG
from tests.handoff.test_page_lead_score import SCORE, SUMMARY
from tests.helpers import serving_demo


def test_the_handoff_page_shows_the_lead_score_and_its_reasons(
    tmp_path: Path, models_dir: Path
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    with serving_demo(tmp_path, models_dir) as (_, services):
        with services.store.unit_of_work() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            shopper = customers.upsert_customer(
                uow, dealership_id=dealer_id, phone="5551230001", name="Dana Ruiz"
            )
            convo, _ = conversations.open_conversation(
                uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
            )
            found = handoffs.create_handoff(
                uow,
                dealership_id=dealer_id,
                conversation_id=convo.id,
                customer_id=shopper.id,
                reasons=["financing"],
                confidence=0.9,
            )
            handoffs.set_summary(uow, handoff_id=found.id, summary={**SUMMARY, "lead_score": SCORE})
            maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
        link = services.runtime().handoffs.link(found.id, maria.id)

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                page = browser.new_page()
                page.goto(link)
                score = page.locator("#summary dt", has_text="Lead score").locator("+ dd")
                expect(score).to_contain_text("38")
                expect(score.locator("li")).to_have_text(
                    [
                        "booked test drive (+30)",
                        "financing asked (+10)",
                        "last active just now (+8)",
                        "missed a test drive (-10)",
                    ]
                )
            finally:
                browser.close()
