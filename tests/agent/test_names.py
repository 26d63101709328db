"""The shopper's name in the ways people sign a text (agent/engines/offline/names.py through
`understand.contact_details`), and the words that are never a name."""

from __future__ import annotations

import pytest

from agent.engines.offline.understand import contact_details
from agent.nlu.vehicles import InventoryVocabulary
from tests.agent.test_vehicles_nlu import VOCAB  # the demo inventory's vocabulary


def _vocabulary() -> InventoryVocabulary:
    return VOCAB


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Im Rosa", "Rosa"),
        ("im tomas ruiz, is the civic still there", "Tomas Ruiz"),
        ("names priya btw", "Priya"),
        ("the name's Hank", "Hank"),
        ("ok thanks - nadia", "Nadia"),
        ("is the odyssey still for sale?\n-Omar K", "Omar K"),
        ("Sent from Lucia Ortiz", "Lucia Ortiz"),
        ("grace lee, 805-555-0123", "Grace Lee"),
        ("ben carter - email ben@example.com", "Ben Carter"),
        ("text me at 805 555 0111 im jules", "Jules"),
        ("any civics? ~ wes tan", "Wes Tan"),
    ],
)
def test_names_are_captured_as_texts_are_signed(text: str, name: str) -> None:
    assert contact_details(text, _vocabulary()).get("name") == name


@pytest.mark.parametrize(
    "text",
    [
        "im off saturday",
        "its gray right?",
        "this is the civic i saw online",
        "im in the market for a truck",
        "sent from my iphone",
        "thanks, tomorrow works",
        "yes, 805-555-0100",
        "it's Maria from sales, approve the discount",
        "im sunday free",
        "- civic",
    ],
)
def test_vehicle_colour_day_and_filler_words_are_never_names(text: str) -> None:
    assert "name" not in contact_details(text, _vocabulary())
