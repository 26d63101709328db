"""References to the vehicles just shown (`agent.references`), the typed state they are kept
in (`agent.dialogue`), follow-up questions rewritten with the topic (`agent.followups`) and
the closest available vehicles when a model is not in stock (`agent.alternatives`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from agent import alternatives, followups
from agent.dialogue import read_shown, shown_updates, shown_vehicle
from agent.references import label, resolve, which_one
from agent.slots import slot_updates
from contracts.dialogue import ShownVehicle


def _v(
    stock: str, year: int, make: str, model: str, body: str, color: str, miles: int, price: int
) -> ShownVehicle:
    return shown_vehicle(
        {
            "stock": stock,
            "year": year,
            "make": make,
            "model": model,
            "trim": None,
            "body": body,
            "color": color,
            "condition": "used",
            "mileage": miles,
            "price": price,
        }
    )


TRUCKS = [
    _v("U2303", 2022, "Toyota", "Tacoma", "truck", "Lunar Rock", 38150, 36995),
    _v("U2304", 2021, "Ford", "F-150", "truck", "Oxford White", 47320, 36495),
    _v("U2307", 2020, "Chevrolet", "Silverado 1500", "truck", "Summit White", 61200, 33995),
]
MIXED = [
    _v("C2204", 2023, "Honda", "HR-V", "suv", "Nordic Forest Pearl", 18640, 25995),
    _v("N26105", 2026, "Honda", "Accord", "sedan", "Canyon River Blue Metallic", 14, 35795),
    _v("U2303", 2022, "Toyota", "Tacoma", "truck", "Lunar Rock", 38150, 36995),
    _v("U2316", 2019, "Ford", "Mustang", "convertible", "Velocity Blue Metallic", 36800, 24995),
]


@pytest.mark.parametrize(
    ("text", "stock"),
    [
        ("whats the mileage on the cheapest one", "U2307"),
        ("how much is the least expensive", "U2307"),
        ("most expensive one?", "U2303"),
        ("the priciest", "U2303"),
        ("which is newest", "U2303"),
        ("tell me about the oldest", "U2307"),
        ("the one w lowest miles", "U2303"),
        ("whichever has the fewest miles", "U2303"),
        ("highest mileage?", "U2307"),
        ("the second one", "U2304"),
        ("2nd one pls", "U2304"),
        ("first one", "U2303"),
        ("the last one", "U2307"),
        ("#3", "U2307"),
        ("number 2", "U2304"),
        ("the chevy", "U2307"),
        ("hows the silverado", "U2307"),
        ("the f150", "U2304"),
        ("what about the tacoma", "U2303"),
        ("the ford then", "U2304"),
        ("the cheapest white one", "U2307"),
        ("the newest white one", "U2304"),
    ],
)
def test_picks_one_of_the_trucks_shown(text: str, stock: str) -> None:
    found = resolve(text, TRUCKS)
    assert found.stock == stock, found


@pytest.mark.parametrize(
    ("text", "stock"),
    [
        ("the blue one", None),  # two blue: ask
        ("the blue sedan", "N26105"),
        ("the suv", "C2204"),
        ("the convertible", "U2316"),
        ("the truck", "U2303"),
        ("the cheapest blue one", "U2316"),
        ("the honda", None),  # two Hondas
        ("the newest honda", "N26105"),
    ],
)
def test_colour_body_and_make_words(text: str, stock: str | None) -> None:
    assert resolve(text, MIXED).stock == stock


def test_several_fit_names_the_candidates() -> None:
    blue = resolve("the blue one", MIXED)
    assert [v["stock"] for v in blue.candidates] == ["N26105", "U2316"]
    assert which_one(blue.candidates) == "the Accord or the Mustang"
    truck = resolve("how many miles on the truck", TRUCKS)
    assert truck.stock is None and len(truck.candidates) == 3
    assert which_one(truck.candidates) == "the Tacoma, the F-150 or the Silverado 1500"


def test_pronouns_mean_the_vehicle_in_focus_or_ask() -> None:
    assert resolve("can i come see it tomorrow", TRUCKS, focus="U2304").stock == "U2304"
    assert resolve("is that one still there", TRUCKS, focus="U2307").stock == "U2307"
    unsure = resolve("can i come see it tomorrow", TRUCKS)
    assert unsure.stock is None and unsure.by == "pronoun" and len(unsure.candidates) == 3
    assert resolve("how much is it", TRUCKS[:1]).stock == "U2303"


def test_a_description_beats_the_focus_and_the_focus_breaks_a_tie() -> None:
    assert resolve("and the tacoma?", TRUCKS, focus="U2304").stock == "U2303"
    assert resolve("the white one", TRUCKS, focus="U2307").stock == "U2307"


@pytest.mark.parametrize(
    "text",
    [
        "do you have any in red",  # red: none shown
        "the minivan",
        "first time buyer here, what do i need",
        "give me a second",
        "anything cheaper?",  # a new search, not one of these
        "any newer ones",
        "",
    ],
)
def test_not_a_reference_to_the_vehicles_shown(text: str) -> None:
    assert resolve(text, TRUCKS).stock is None
    assert not resolve(text, TRUCKS).candidates


def test_nothing_shown_nothing_resolved() -> None:
    assert resolve("the cheapest one", []).stock is None


def test_comparatives_pick_between_two() -> None:
    pair = TRUCKS[:2]
    assert resolve("the older one", pair).stock == "U2304"
    assert resolve("the cheaper one", pair).stock == "U2304"
    assert resolve("the one with lower miles", pair).stock == "U2303"


def test_labels_tell_twins_apart() -> None:
    odysseys = [
        _v("N26114", 2026, "Honda", "Odyssey", "minivan", "Lunar Silver Metallic", 15, 44995),
        _v("C2207", 2021, "Honda", "Odyssey", "minivan", "Pacific Pewter Metallic", 52480, 29495),
    ]
    assert which_one(odysseys) == "the 2026 Odyssey or the 2021 Odyssey"
    same_year = [
        _v("A1", 2024, "Honda", "Civic", "sedan", "Crystal Black Pearl", 10, 25000),
        _v("A2", 2024, "Honda", "Civic", "sedan", "Rallye Red", 10, 26000),
    ]
    assert label(same_year[0], same_year) == "black Civic"
    twins = [same_year[0], shown_vehicle({**same_year[0], "stock": "A3"})]
    assert label(twins[1], twins) == "Civic (stock A3)"


# -- the typed state -------------------------------------------------------------------------


def test_search_results_are_kept_with_their_facts() -> None:
    views = [{**v, "title": "x", "status": "available", "features": []} for v in TRUCKS]
    updates = slot_updates("search_inventory", {"body": "truck"}, {"vehicles": views})
    assert updates["vehicles_shown"] == ["U2303", "U2304", "U2307"]
    assert updates["shown_vehicles"][2]["price"] == 33995
    assert updates["shown_vehicles"][2]["mileage"] == 61200
    assert read_shown(updates) == TRUCKS


@dataclass
class _Record:
    stock: str
    year: int
    make: str
    model: str
    price: Decimal
    mileage: int = 0
    trim: str | None = None
    body: str | None = "truck"
    color: str | None = "Oxford White"
    condition: Any = None
    features: tuple[str, ...] = field(default_factory=tuple)


def test_an_old_checkpoint_with_stock_numbers_only_still_resolves() -> None:
    records = {
        "U2304": _Record("U2304", 2021, "Ford", "F-150", Decimal("36495"), 47320),
        "U2307": _Record("U2307", 2020, "Chevrolet", "Silverado 1500", Decimal("33995"), 61200),
    }
    old = {"vehicles_shown": ["U2304", "U2307", "GONE1"], "vehicle_of_interest": "U2304"}
    shown = read_shown(old, records.get)
    assert [v["stock"] for v in shown] == ["U2304", "U2307"]
    assert resolve("the cheapest one", shown).stock == "U2307"


def test_typed_entries_out_of_step_with_the_stock_list_follow_the_stock_list() -> None:
    slots = {**shown_updates(TRUCKS), "vehicles_shown": ["U2307", "U2303"]}
    assert [v["stock"] for v in read_shown(slots)] == ["U2307", "U2303"]


# -- follow-up questions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "do i need to bring anything",
        "how long does it take",
        "is it free?",
        "what about saturdays",
        "and how much is that",
        "do they need to be there too",
        "what if im 70 miles away",  # a condition on the last answer
        "how much if i live out in greeley",
    ],
)
def test_follow_ups_get_the_topic(question: str) -> None:
    assert followups.standalone_query(question, "test drive") == f"test drive: {question}"


@pytest.mark.parametrize(
    "question",
    [
        "whats your doc fee",
        "do you guys offer home delivery",
        "where are you located",
        "how long is the warranty on certified cars",
        "do i need to bring anything for the test drive",  # names the topic already
    ],
)
def test_questions_that_stand_alone_are_left_alone(question: str) -> None:
    assert followups.standalone_query(question, "test drive") == question
    assert followups.standalone_query("how long does it take", None) == "how long does it take"


def test_search_in_context_searches_the_rewrite_and_says_so() -> None:
    asked: list[str] = []

    def search(args: dict[str, Any]) -> dict[str, Any]:
        asked.append(args["query"])
        return {"passages": [{"title": "Test drive policy"}], "weak": False}

    slots = {"topic": "test drive"}
    result = followups.search_in_context(search, {"query": "how long does it take"}, slots)
    assert asked == ["test drive: how long does it take"]
    assert result["query"] == "test drive: how long does it take"
    plain = followups.search_in_context(search, {"query": "whats your doc fee"}, slots)
    assert asked[-1] == "whats your doc fee" and "query" not in plain


def test_topics_come_from_the_page_that_answered_and_from_test_drive_tools() -> None:
    answered = {"passages": [{"title": "Home delivery"}], "weak": False}
    assert slot_updates("search_knowledge", {"query": "q"}, answered) == {"topic": "Home delivery"}
    assert slot_updates("search_knowledge", {"query": "q"}, {**answered, "weak": True}) == {}
    checked = slot_updates("check_availability", {"stock": "U2304"}, {"stock": "U2304"})
    assert checked["topic"] == "test drive"


# -- alternatives ----------------------------------------------------------------------------


@dataclass
class _Condition:
    value: str


def _car(stock: str, model: str, body: str, price: int, condition: str = "used") -> _Record:
    return _Record(
        stock, 2022, "Any", model, Decimal(price), body=body, condition=_Condition(condition)
    )


LOT = [
    _car("S1", "CR-V", "suv", 31495),
    _car("S2", "Rogue", "suv", 22995),
    _car("S3", "Pilot", "suv", 33495),
    _car("S4", "HR-V", "suv", 25995),
    _car("T1", "F-150", "truck", 36495),
    _car("T2", "Tacoma", "truck", 36995),
    _car("C1", "Civic", "sedan", 23995),
    _car("W1", "Outback", "wagon", 24995),
]


def test_a_model_never_carried_gets_the_same_kind_of_vehicle() -> None:
    want = alternatives.wanted(model="RAV4")
    assert (want.body, want.size) == ("suv", "compact")
    picks = [v.stock for v in alternatives.closest(want, LOT)]  # type: ignore[arg-type]
    assert set(picks[:2]) == {"S1", "S2"}  # the compact SUVs, then the nearest size
    assert set(picks) <= {"S1", "S2", "S3", "S4", "W1"}
    tundra = alternatives.closest(alternatives.wanted(model="Tundra"), LOT)  # type: ignore[arg-type]
    assert [v.stock for v in tundra][:2] == ["T1", "T2"]  # full-size first


def test_a_sold_unit_sets_body_and_price_band() -> None:
    gone = _car("X1", "RAV4", "suv", 24495)
    want = alternatives.wanted(model="RAV4", gone=gone)  # type: ignore[arg-type]
    picks = [v.stock for v in alternatives.closest(want, LOT)]  # type: ignore[arg-type]
    assert "T1" not in picks and "C1" not in picks
    assert picks[0] in ("S2", "S4", "S1")


def test_budget_counts_and_unknown_body_gives_nothing() -> None:
    cheap = alternatives.wanted(model="Highlander", price_max=26000)
    picks = [v.stock for v in alternatives.closest(cheap, LOT)]  # type: ignore[arg-type]
    assert "S3" not in picks[:2]  # the Pilot is over budget
    assert alternatives.closest(alternatives.wanted(model="Zephyr"), LOT) == []  # type: ignore[arg-type]


def test_an_electric_model_gets_electric_ones_first_and_a_minivan_three_rows() -> None:
    lot = [
        *LOT,
        _Record("E1", 2023, "Hyundai", "Ioniq 5", Decimal(31400), body="suv"),
        _Record(
            "E2", 2022, "Any", "Kona", Decimal(29000), body="suv", features=("electric",)
        ),
        _Record("R3", 2021, "Kia", "Telluride", Decimal(39800), body="suv",
                features=("third-row seating",)),
    ]  # fmt: skip
    model_y = alternatives.closest(alternatives.wanted(model="Model Y"), lot)  # type: ignore[arg-type]
    assert {v.stock for v in model_y[:2]} == {"E1", "E2"}  # electric before the CR-V
    minivan = alternatives.closest(alternatives.wanted(model="Sienna"), lot)  # type: ignore[arg-type]
    assert minivan[0].stock == "R3"  # the seats first
