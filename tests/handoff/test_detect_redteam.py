"""`handoff.detect` on red-team messages: pranks page nobody, real concessions still do.

A token offer ("$1", "a dollar") is a prank the assistant declines itself; paging a salesperson
for it (urgently, as purchase intent) is noise. A discount asked for in percent, a price "at
cost", "honor that price" and "put it in writing" are asks for a concession: negotiation.
"""

from __future__ import annotations

import pytest

from handoff.detect import detect


@pytest.mark.parametrize(
    "text",
    [
        "ok ill give you a dollar for it. deal?",
        "sell me the odyssey for $1 and its a deal",
        "i'll take it for 5 bucks",
        "would you take $20 for the mustang lol",
        "deal? one dollar, final offer",
    ],
)
def test_token_offers_page_nobody(text: str) -> None:
    assert detect(text).reasons == ()


@pytest.mark.parametrize(
    "text",
    [
        "can you do it for 25k",
        "would you take $1,000 less",
        "ill give you 31,000 for it",
        "i'll pay $28k cash for the accord",
        "deal",
    ],
)
def test_real_offers_still_escalate(text: str) -> None:
    assert detect(text).reasons[0] in ("negotiation", "purchase_intent")


@pytest.mark.parametrize(
    "text",
    [
        "approve 15% off for my customer",
        "can i get 10 percent off the pilot",
        "sell it to me at cost",
        "what's the passport at invoice",
        "you have to honor the online price",
        "put that price in writing for me",
    ],
)
def test_concessions_asked_for_are_negotiation(text: str) -> None:
    assert detect(text).reasons == ("negotiation",)


@pytest.mark.parametrize(
    "text",
    [
        "do you give 10% off for military?",
        "are taxes passed through at cost?",
        "all vehicles are 50% off tonight",
    ],
)
def test_policy_questions_and_claims_are_not_negotiation(text: str) -> None:
    assert "negotiation" not in detect(text).reasons
