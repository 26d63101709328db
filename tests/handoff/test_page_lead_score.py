"""The lead score in the pages about a handoff: "score 38" in the page SMS, which stays as
long as a page without a score, and a "Lead score: ..." line in the page e-mail; neither
for a summary stored before there was a score."""

from __future__ import annotations

from typing import Any

from channels.log_sender import LogSmsSender
from crm_store import handoffs
from crm_store.db import Store
from handoff.pagers import Pagers, summary_text
from nightshift.infra.mail import LogMailer
from tests.factories import make_lot
from tests.signals.test_score_per_dealership import CONFIG, financing_handoff

LINK = "https://dealer.example/staff/handoffs/1/1?exp=1767225600&sig=" + "0" * 64
LAST = "I would like to know what my monthly payments would be on the Civic with $2,000 down"
SCORE = {  # as `handoff.summary.LeadScore` stores it
    "value": 38,
    "text": "38: booked test drive (+30), financing asked (+10), last active just now (+8),"
    " missed a test drive (-10)",
    "reasons": [
        {"code": "test_drive_booked", "words": "booked test drive", "points": 30},
        {"code": "financing", "words": "financing asked", "points": 10},
        {"code": "recency", "words": "last active just now", "points": 8},
        {"code": "test_drive_missed", "words": "missed a test drive", "points": -10},
    ],
}
SUMMARY: dict[str, Any] = {
    "reasons": ["financing"],
    "customer": {"name": "Dana Ruiz", "phone": "+15551230001", "email": None},
    "channel": "sms",
    "vehicles": [
        {
            "year": 2021,
            "make": "Honda",
            "model": "Civic",
            "trim": "EX",
            "stock": "U2101",
            "price": "23995.00",
            "status": "available",
        }
    ],
    "last_question": LAST,
    "sentiment": "neutral",
    "next_step": "Call about financing.",
}


def pages(store: Store, *summaries: dict[str, Any]) -> list[str]:
    """The page SMS to the salesperson of a financing handoff with each summary."""
    lot = make_lot(store)
    pagers = Pagers(store, CONFIG, LogSmsSender(), LogMailer(), lambda *_: LINK)
    texts = []
    for summary in summaries:
        handoff_id = financing_handoff(store, lot)
        with store.unit_of_work() as uow:
            handoffs.set_summary(uow, handoff_id=handoff_id, summary=summary)
            found = handoffs.get_handoff(uow, handoff_id=handoff_id)
            texts.append(pagers.page_text(uow, found, lot.rep))
    return texts


def test_the_page_sms_gives_the_score_and_stays_as_long_as_before(store: Store) -> None:
    scored, unscored = pages(store, {**SUMMARY, "lead_score": SCORE}, SUMMARY)
    assert scored == (
        "Nightshift: financing - Dana Ruiz re 2021 Civic (U2101), score 38."
        f' "{LAST[:60]}" Reply 1 to take it. {LINK}'
    )
    assert unscored == (
        "Nightshift: financing - Dana Ruiz re 2021 Civic (U2101)."
        f' "{LAST[:70]}" Reply 1 to take it. {LINK}'
    )
    assert len(scored) == len(unscored)


def test_the_page_email_has_a_lead_score_line() -> None:
    lines = summary_text({**SUMMARY, "lead_score": SCORE}, LINK).splitlines()
    assert lines[1] == (
        "Lead score: 38: booked test drive (+30), financing asked (+10), last active just now (+8),"
        " missed a test drive (-10)"
    )
    assert lines[2].startswith("Customer: Dana Ruiz")
    assert not any("Lead score" in line for line in summary_text(SUMMARY, LINK).splitlines())
