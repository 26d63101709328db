"""The text rules behind follow-ups that lean on the turn before (the conversations are in
tests/pipeline/test_offline_dep_followups.py): a question joined to the last answer, the last
question asked of another vehicle, a standing asked to be confirmed, dealer add-ons on the fee
page, and the vehicle a search by full name makes the one under discussion."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent import followups
from agent.engines.offline import breakdown, misuse
from agent.engines.offline.intents import rule_intent
from agent.slots import slot_updates

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "question",
    ["and u store tires?", "do you do alignments too?", "also loaners?", "n hitches too?"],
)
def test_short_questions_joined_to_the_last_answer(question: str) -> None:
    assert followups.joins_last_answer(question)


@pytest.mark.parametrize(
    "question",
    [
        "do you store tires",  # stands alone
        "and",  # nothing of its own
        "and can you tell me what time the service department closes on saturdays",  # long
    ],
)
def test_questions_that_are_not_joined(question: str) -> None:
    assert not followups.joins_last_answer(question)


@pytest.mark.parametrize(
    "message",
    ["what about the silverado", "and the model y?", "ok how about the kona", "same for the rav4"],
)
def test_the_last_question_asked_again_of_another(message: str) -> None:
    assert followups.asks_the_same(message)


@pytest.mark.parametrize(
    "message",
    [
        "does the silverado have a v8",
        "the tacoma is nice",
        "what about the price of the silverado and its mileage and the warranty on it",  # long
        "what about the silverado, how much is it",  # a question of its own
        "and the tacoma, is it available",
    ],
)
def test_new_questions_are_not_the_last_one_again(message: str) -> None:
    assert not followups.asks_the_same(message)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("k so im approved?", "approval"),
        ("so my rate is locked right", "approval"),
        ("have we been approved yet?", "approval"),
        ("so i get the 0% right", "approval"),
        ("so its on hold for me right", "hold"),
        ("is the 4runner on hold for me now?", "hold"),
        ("wait so u guys are holding it for me?", "hold"),
        ("is my hold still good?", "hold"),
    ],
)
def test_a_standing_asked_to_be_confirmed(message: str, kind: str) -> None:
    asked = misuse.claim_asked(message)
    assert asked is not None and asked[0] == kind
    assert rule_intent(message) == misuse.CLAIM_CHECK


@pytest.mark.parametrize(
    "message",
    [
        "can you put it on hold for me?",  # a request: handoff.detect and the classifier
        "could u keep it reserved for me till friday?",
        "im pre approved thru my credit union",  # their own lender's, told
        "im approved with capital one, can i use that?",
        "is the civic on hold",  # the vehicle's status, not a standing of theirs
        "i was approved last year",
    ],
)
def test_requests_and_statements_are_no_standing_to_confirm(message: str) -> None:
    assert misuse.claim_asked(message) is None


def _fee_page(world: str) -> str:
    data = yaml.safe_load((ROOT / "examples" / f"{world}.yaml").read_text(encoding="utf-8"))
    return next(k["text"] for k in data["knowledge"] if k["title"] == "Documentation fee")


@pytest.mark.parametrize(
    ("world", "question", "sentence"),
    [
        ("demo-dealership", "any add ons required", "do not require any add-on"),
        ("lakeshore-ford", "do i have to buy addons", "never require add-ons"),
        ("desert-sun-toyota", "any market adjustment on new ones", "market adjustments"),
    ],
)
def test_add_ons_are_a_fee_question_answered_by_the_pages_sentence(
    world: str, question: str, sentence: str
) -> None:
    assert breakdown.asked(question)
    assert any(sentence in s for s in breakdown.fee_sentences(_fee_page(world), question))


def test_the_add_on_sentence_stays_out_of_other_fee_answers() -> None:
    said = breakdown.fee_sentences(_fee_page("demo-dealership"), "whats the doc fee and tax")
    assert not any("add-on" in s for s in said)


def _view(stock: str, trim: str) -> dict[str, object]:
    return {"stock": stock, "make": "Subaru", "model": "Outback", "trim": trim, "year": 2026}


def test_a_search_by_full_name_focuses_the_one_so_named() -> None:
    found = {"vehicles": [_view("AN107", "Premium"), _view("AU309", "2.5i Premium")], "total": 2}
    named = slot_updates("search_inventory", {"model": "Outback", "trim": "Premium"}, found)
    assert named["vehicle_of_interest"] == "AN107"
    unnamed = slot_updates("search_inventory", {"model": "Outback"}, found)
    assert "vehicle_of_interest" not in unnamed  # two shown, none named: "which one?"
    twins = {"vehicles": [_view("A1", "Premium"), _view("A2", "Premium")], "total": 2}
    both = slot_updates("search_inventory", {"model": "Outback", "trim": "Premium"}, twins)
    assert "vehicle_of_interest" not in both
