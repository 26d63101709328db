"""The lead score in the inbox page over HTTP: a badge on each row with its reasons, the
`sort` control (`recent` by default, `score`), and a bad `sort` named in a 422."""

from __future__ import annotations

from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import handoffs, inbox, staff
from crm_store.records import ConversationRecord
from tests.console.conftest import app_services
from tests.console.test_inbox_http import chat
from tests.console.test_sign_in_http import sign_in


def mine(client: TestClient, convo: ConversationRecord, *, ready_to_buy: bool = False) -> None:
    """Assign `convo` to Maria (the signed-in staff member); with `ready_to_buy`, a
    purchase-intent handoff raised for it (not paged: it stays in recency order)."""
    with app_services(client).store.unit_of_work() as uow:
        maria = staff.find_staff(uow, dealership_id=convo.dealership_id, handle="maria")
        inbox.assign(uow, conversation_id=convo.id, staff_id=maria.id)
        if ready_to_buy:
            handoffs.create_handoff(
                uow,
                dealership_id=convo.dealership_id,
                conversation_id=convo.id,
                customer_id=convo.customer_id,
                reasons=["purchase_intent"],
                confidence=0.9,
            )


def waiting(page: str) -> str:
    return page.split('id="waiting"', 1)[1].split("</section>", 1)[0]


def test_rows_show_the_score_and_sort_by_it(client: TestClient, clock: FrozenClock) -> None:
    sign_in(client)
    buyer = chat(client, clock, "I want to buy it today", name="Ana Ruiz", phone="5551230021")
    mine(client, buyer, ready_to_buy=True)
    browser = chat(client, clock, "Just looking", name="Ben Ode", phone="5551230022")
    mine(client, browser)

    recent = client.get("/console/inbox")
    by_score = client.get("/console/inbox?sort=score")

    assert recent.status_code == by_score.status_code == 200
    rows = waiting(recent.text)
    assert rows.index(browser.public_id) < rows.index(buyer.public_id)  # newest first
    ranked = waiting(by_score.text)
    assert ranked.index(buyer.public_id) < ranked.index(browser.public_id)
    row = rows.split(buyer.public_id, 1)[1].split("</li>", 1)[0]
    assert '<span class="badge score" title="35: ready to buy (+25), last active' in row
    assert ">35</span>" in row
    # the control keeps the chosen order (the live refresh refetches this same address)
    assert '<option value="score" selected>' in by_score.text
    assert '<option value="recent" selected>' in recent.text


def test_a_bad_sort_is_named(client: TestClient) -> None:
    sign_in(client)
    answer = client.get("/console/inbox?sort=bogus")
    assert answer.status_code == 422
    assert "sort: &#39;bogus&#39;; expected recent, score" in answer.text
