"""The handoff card of a conversation's console page shows the lead score of the stored
summary and its reasons, and nothing of a score on a summary written before there was one."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from crm_store import handoffs
from tests.console.conftest import app_services
from tests.console.test_inbox_http import PAGE, chat, paged_to
from tests.console.test_sign_in_http import sign_in
from tests.handoff.test_page_lead_score import SCORE


def card(client: TestClient, clock: FrozenClock, summary: dict[str, Any]) -> str:
    sign_in(client)
    convo = chat(client, clock, "Can I get financing?", name="Ana Ruiz", phone="5551230002")
    handoff_id = paged_to(client, convo)
    with app_services(client).store.unit_of_work() as uow:
        handoffs.set_summary(uow, handoff_id=handoff_id, summary=summary)
    page = client.get(PAGE + convo.public_id)
    assert page.status_code == 200
    return page.text.split('id="handoff"', 1)[1].split("</section>", 1)[0]


def test_the_handoff_card_shows_the_lead_score_and_its_reasons(
    client: TestClient, clock: FrozenClock
) -> None:
    shown = card(client, clock, {"financing": "asked", "lead_score": SCORE})
    assert "Lead score <strong>38</strong>" in shown
    assert [line.split("</li>")[0] for line in shown.split("<li>")[1:]] == [
        "booked test drive (+30)",
        "financing asked (+10)",
        "last active just now (+8)",
        "missed a test drive (-10)",
    ]


def test_a_summary_from_before_the_score_shows_none(client: TestClient, clock: FrozenClock) -> None:
    shown = card(client, clock, {"financing": "asked"})
    assert "Financing" in shown and "Lead score" not in shown
