"""The shopper's name in the ways people sign a text (agent/engines/offline/names.py through
`contact.contact_details`), and the words that are never a name."""

from __future__ import annotations

import pytest

from agent.engines.offline.contact import contact_details
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


# Names captured right. TUNED are the messages QA reported; HELD_OUT (names, corrections and
# sentences that only look like introductions) were written before the rule changed and
# scored once after tuning on TUNED: 34/34 (19/34 before the change).
TUNED: list[tuple[str, str | None]] = [
    ("nobody has called me back in 3 days. this is ridiculous", None),
    ("and its awd right", None),
    ("its lena park", "Lena Park"),
    ("im keisha whitlock", "Keisha Whitlock"),
    ("ok sounds good\n-brooke tan", "Brooke Tan"),
    ("alyssa grant, email alyssa.grant@mail.example", "Alyssa Grant"),
    ("hi or call me at 805-555-7788 im dana", "Dana"),
    ("this is dev from work, email dev.mehta@acme.example", "Dev"),
    ("oh and its katie not kate lol", "Katie"),
    ("hey its tanya, is the santa fe calligraphy still there", "Tanya"),
    ("-Brooke", "Brooke"),
]
HELD_OUT: list[tuple[str, str | None]] = [
    ("its marco, any used accords?", "Marco"),
    ("this is raj from linkedin, saw ur post", "Raj"),
    ("im priya patel, email priya.p@mail.example", "Priya Patel"),
    ("hey its omar again", "Omar"),
    ("thx -carla", "Carla"),
    ("jamal reed - 805 555 0142", "Jamal Reed"),
    ("actually its jon not john", "Jon"),
    ("ok its sofia", "Sofia"),
    ("im nina, looking for a pilot", "Nina"),
    ("its jess btw not jessica", "Jess"),
    ("its due friday", None),
    ("im looking for a truck", None),
    ("this is taking forever", None),
    ("its fine", None),
    ("im good thanks", None),
    ("this is great", None),
    ("its 4wd right", None),
    ("im in norfolk", None),
    ("its awesome thanks", None),
    ("im confused", None),
    ("this is crazy", None),
    ("its kinda pricey", None),
    ("its hybrid right", None),
    ("its leather right?", None),
    ("this is annoying lol", None),
    ("im super excited", None),
    ("its fwd or awd?", None),
    ("im outside", None),
    ("im desperate lol", None),
    ("its automatic right", None),
    ("this is frustrating, been waiting all day", None),
    ("im nervous about financing", None),
    ("its cheaper online", None),
    ("im hopeful", None),
]


@pytest.mark.parametrize(("text", "name"), TUNED + HELD_OUT)
def test_only_names_are_taken_from_loose_openers(text: str, name: str | None) -> None:
    assert contact_details(text, _vocabulary()).get("name") == name


# A word after a loose "im"/"its" that says how the shopper stands, not who they are: it sits
# in a question or runs on into what it is for. STATE_TUNED shaped `names.states`; the
# STATE_HELD_OUT phrasings (and the names beside them) were scored once afterwards.
STATE_TUNED: list[tuple[str, str | None]] = [
    ("so im set for friday?", None),
    ("im set?", None),
    ("im dana btw", "Dana"),
]
STATE_HELD_OUT: list[tuple[str, str | None]] = [
    ("ok so im locked in for tues?", None),
    ("wait im booked?", None),
    ("im stoked for saturday", None),
    ("so its set for 2?", None),
    ("im psyched to see it", None),
    ("im lee, is the kona there", "Lee"),
    ("hi im marisol", "Marisol"),
    ("im yusuf from tacoma", "Yusuf"),  # "from the dealership" is a staff claim
]


@pytest.mark.parametrize(("text", "name"), STATE_TUNED + STATE_HELD_OUT)
def test_states_after_im_are_no_names(text: str, name: str | None) -> None:
    assert contact_details(text, _vocabulary()).get("name") == name
