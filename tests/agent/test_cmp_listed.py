"""`agent.comparisons` over numbers only a listing states (towing, ground clearance,
horsepower, range, seats), questions of every one in play ("price on each"), two vehicles
named in one message with a condition word and a trim, and the listing's condition
(`vehicle_facts`: "is that one new").

The phrasings here were written after the rules, in other words than the known-gap
conversations (other models, other dealerships, typos, SMS style)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from agent import vehicle_facts
from agent.comparisons import Asked, asked, compare, comparison
from agent.picking import as_shown
from agent.tools import vehicle_view
from crm_store.records import VehicleRecord, VehicleSpecs
from crm_store.types import Condition
from tests.records import vehicle


def _car(stock: str, model: str, trim: str, **kw: Any) -> VehicleRecord:
    return vehicle(
        id=int(stock[-3:]),
        stock=stock,
        make=kw.pop("make", "Subaru"),
        model=model,
        trim=trim,
        year=kw.pop("year", 2026),
        condition=kw.pop("condition", Condition.NEW),
        price=Decimal(kw.pop("price", 30000)),
        mileage=kw.pop("mileage", 10),
        **kw,
    )


SIERRA = _car("GU401", "Sierra 2500HD", "SLT", make="GMC", features=("13,000 lb towing",))
TUNDRA = _car(
    "TU402", "Tundra", "SR5", make="Toyota", specs=VehicleSpecs(towing=8300, drivetrain="4WD")
)
COLORADO = _car("CU403", "Colorado", "LT", make="Chevrolet", features=("tow hitch", "4x4"))
TRUCKS = [vehicle_view(v) for v in (SIERRA, TUNDRA, COLORADO)]


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("which one can pull the most", "towing"),
        ("which has the highest tow rating?", "towing"),
        ("wich of them hauls more", "towing"),
        ("which sits highest", "clearance"),
        ("which one has more ground clearance", "clearance"),
        ("which of those is more powerful", "horsepower"),
        ("which has the most hp", "horsepower"),
        ("which one goes the farthest", "range"),
        ("which seats the most", "seats"),
    ],
)
def test_a_superlative_of_a_listed_number(text: str, attribute: str) -> None:
    found = asked(text)
    assert found is not None and found.attribute == attribute


def test_the_towing_winner_is_read_from_features_and_spec_sheets() -> None:
    result = compare(TRUCKS, "towing")
    assert result["values"] == {"GU401": 13000, "TU402": 8300, "CU403": None}
    assert result["winner"] == "GU401" and not result["tie"]
    # the spec sheet's words, and a hitch is no rating
    assert result["stated"] == {
        "GU401": "13,000 lb towing",
        "TU402": "tows up to 8,300 lbs",
        "CU403": None,
    }


def test_clearance_and_horsepower_are_numbers_of_the_listing() -> None:
    low = vehicle_view(_car("AN201", "Crosstrek", "Sport", features=("8.7-inch ground clearance",)))
    high = vehicle_view(_car("AN202", "Crosstrek", "Wilderness", features=("9.3 in. clearance",)))
    assert compare([low, high], "clearance")["winner"] == "AN202"
    wrx = vehicle_view(_car("AN203", "WRX", "GT", features=("271 horsepower",)))
    brz = vehicle_view(_car("AN204", "BRZ", "tS", features=("228-hp 2.4L",)))
    result = compare([wrx, brz], "horsepower")
    assert result["values"] == {"AN203": 271, "AN204": 228} and result["winner"] == "AN203"


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("price on both?", "price"),
        ("how much are they", "price"),
        ("whats the mileage on all 3", "mileage"),
        ("what year is each one", "year"),
        ("mpg on each", "mpg"),
        ("towing capacity on both?", "towing"),
    ],
)
def test_a_question_of_each_asks_every_value(text: str, attribute: str) -> None:
    assert asked(text) == Asked(attribute, each=True)


def test_how_much_it_tows_is_no_price() -> None:
    assert asked("how much can both of them tow") != Asked("price", each=True)


def test_a_listed_superlative_covers_every_one_shown() -> None:
    ranger = _car("FU404", "Ranger", "XLT", make="Ford", features=("7,500-lb towing capacity",))
    trucks = [SIERRA, TUNDRA, COLORADO, ranger]
    found = comparison("which one tows the most", [as_shown(v) for v in trucks], trucks)
    assert found is not None and found.stocks == ("GU401", "TU402", "CU403", "FU404")
    # a price question is between two or three, as before
    assert comparison("which is cheapest", [as_shown(v) for v in trucks], trucks) is None


ASCENT_NEW = _car("AN110", "Ascent", "Premium", price=40795, features=("8 seats",))
ASCENT_LTD = _car("AN111", "Ascent", "Limited", price=47995, features=("7 seats",))
ASCENT_CPO = _car(
    "AC204", "Ascent", "Touring", condition=Condition.CERTIFIED, year=2022, price=36495
)
OUTBACK = _car("AN107", "Outback", "Premium", price=34995)
OUTBACK_CPO = _car("AC201", "Outback", "Limited", condition=Condition.CERTIFIED, year=2021)
TUCSON_SEL = _car("TN101", "Tucson", "SEL AWD", make="Hyundai")
TUCSON_HYBRID = _car("TN102", "Tucson", "Hybrid SEL Convenience AWD", make="Hyundai")
TUCSON_CPO = _car("TC201", "Tucson", "SEL AWD", make="Hyundai", condition=Condition.CERTIFIED)
STOCK = [ASCENT_NEW, ASCENT_LTD, ASCENT_CPO, OUTBACK, OUTBACK_CPO]
STOCK += [TUCSON_SEL, TUCSON_HYBRID, TUCSON_CPO]


@pytest.mark.parametrize(
    ("text", "stocks"),
    [
        ("new ascent premium or the cpo touring which is cheaper", ("AN110", "AC204")),
        ("certified outback vs the new one, whats different", ("AC201", "AN107")),
        ("the ascent limited vs the premium which has more seats", ("AN111", "AN110")),
        # two new Tucsons: "the new one" is the one of the trim said before
        ("cpo tucson sel or the new one, which has less miles", ("TC201", "TN101")),
    ],
)
def test_two_named_in_one_message_with_the_model_said_once(
    text: str, stocks: tuple[str, ...]
) -> None:
    found = comparison(text, [], STOCK)
    assert found is not None and found.stocks == stocks


def test_a_side_that_names_nothing_is_no_vehicle() -> None:
    # "whats the diff" after the two sides names no third Ascent
    found = comparison("the new ascent premium vs the certified touring, whats the diff", [], STOCK)
    assert found is not None and found.stocks == ("AN110", "AC204")


def test_a_number_is_not_shared_by_a_concept() -> None:
    f150 = vehicle_view(_car("AU302", "F-150", "XLT", features=("9,000-lb towing capacity",)))
    tacoma = vehicle_view(_car("AU301", "Tacoma", "TRD", features=("6,400-lb towing capacity",)))
    result = compare([f150, tacoma])
    assert result["shared"] == []
    assert result["only"] == {
        "AU302": ["9,000-lb towing capacity"],
        "AU301": ["6,400-lb towing capacity"],
    }


@pytest.mark.parametrize(
    "text",
    ["is that one new?", "is it used", "new or used?", "is the ascent certified", "is it cpo"],
)
def test_the_condition_is_asked_of_the_listing(text: str) -> None:
    assert vehicle_facts.asked_feature(text) == "condition"


@pytest.mark.parametrize("text", ["is that the new one", "is the new one awd"])
def test_a_condition_word_that_points_asks_no_condition(text: str) -> None:
    assert vehicle_facts.asked_feature(text) != "condition"


def test_the_condition_is_read_with_year_and_miles() -> None:
    view = vehicle_view(_car("AC203", "Crosstrek", "Limited", condition=Condition.CERTIFIED,
                             year=2023, mileage=19700))  # fmt: skip
    answer = vehicle_facts.check(view, "condition")
    assert answer.listed == "certified pre-owned, a 2023 with 19,700 mi"
