"""`agent.nlu.vehicles` and `vehicle_search`: shoppers' texts and loose tool arguments to
search filters, and the search itself.

The vocabulary and the vehicles are the demo inventory (examples/demo-dealership.yaml), built
as records straight from the YAML; no database.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent.nlu.vehicle_numbers import take_numbers
from agent.nlu.vehicle_search import search
from agent.nlu.vehicles import InventoryVocabulary, VehicleQuery
from crm_store.records import VehicleRecord
from crm_store.types import Condition, VehicleStatus

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo-dealership.yaml"


def _demo_inventory() -> list[VehicleRecord]:
    rows = yaml.safe_load(DEMO.read_text(encoding="utf-8"))["inventory"]
    return [
        VehicleRecord(
            id=index,
            dealership_id=1,
            stock=row["stock"],
            vin=row["vin"],
            year=row["year"],
            make=row["make"],
            model=str(row["model"]),
            trim=row.get("trim"),
            condition=Condition(row["condition"]),
            body=row.get("body"),
            color=row.get("color"),
            mileage=row["mileage"],
            price=Decimal(str(row["price"])),
            status=VehicleStatus(row["status"]),
            features=tuple(row.get("features", ())),
        )
        for index, row in enumerate(rows)
    ]


CARS = _demo_inventory()
VOCAB = InventoryVocabulary.from_vehicles(CARS)
BY_STOCK = {car.stock: car for car in CARS}


def parsed(text: str) -> dict[str, Any]:
    """The filters `text` sets, as a dict without the unset ones."""
    return {k: v for k, v in vars(VOCAB.parse(text)).items() if v not in (None, ())}


def found(query: VehicleQuery, limit: int = 100) -> list[VehicleRecord]:
    return search(CARS, query, vocabulary=VOCAB, limit=limit)


# -- makes and models: typos and shorthand ---------------------------------------------------

MODELS = {
    "civc": ("Honda", "Civic"),
    "do you have a civic?": ("Honda", "Civic"),
    "f150": ("Ford", "F-150"),
    "any F-150s": ("Ford", "F-150"),
    "F 150": ("Ford", "F-150"),
    "cx5": ("Mazda", "CX-5"),
    "cx 5": ("Mazda", "CX-5"),
    "crv": ("Honda", "CR-V"),
    "cr-v": ("Honda", "CR-V"),
    "hrv": ("Honda", "HR-V"),
    "rav 4": ("Toyota", "RAV4"),
    "rav4": ("Toyota", "RAV4"),
    "is the tacoma still there": ("Toyota", "Tacoma"),
    "wrangler": ("Jeep", "Wrangler"),
    "model 3": ("Tesla", "Model 3"),
    "model3": ("Tesla", "Model 3"),
    "tesla 3": ("Tesla", "Model 3"),
    "do you have an odessey": ("Honda", "Odyssey"),
    "accrd": ("Honda", "Accord"),
    "bmw 3 series": ("BMW", "3 Series"),
    "330i": ("BMW", "3 Series"),
    "hodna civic": ("Honda", "Civic"),
    "tuscon": ("Hyundai", "Tucson"),
    "silverado": ("Chevrolet", "Silverado 1500"),
    "tacomma": ("Toyota", "Tacoma"),
    "is the pilot still available": ("Honda", "Pilot"),
    "any mazda 3s": ("Mazda", "Mazda3"),
    "looking for a corolla": ("Toyota", "Corolla"),  # known, though none is in stock
}


@pytest.mark.parametrize(("text", "expected"), MODELS.items())
def test_a_model_is_read_through_typos_and_shorthand_and_implies_its_make(
    text: str, expected: tuple[str, str]
) -> None:
    query = VOCAB.parse(text)
    assert (query.make, query.model) == expected


@pytest.mark.parametrize(
    ("text", "make"),
    [("chevy", "Chevrolet"), ("vw", "Volkswagen"), ("toyotas", "Toyota"), ("gray honda", "Honda")],
)
def test_makes_and_their_nicknames(text: str, make: str) -> None:
    assert VOCAB.parse(text).make == make
    assert VOCAB.parse(text).model is None


NOTHING = [
    "can I come sat",
    "what time do you open",
    "hi what's new",
    "thanks!",
    "how much is the doc fee",
    "sounds good see you saturday at 10",
    "do I need to bring my passport",
    "bring your passport",
    "I went rogue",
    "the plot is thick",
    "out back by the door",
    "my number is 805-555-2026",
    "do you deliver within 25 miles?",
    "my civic needs an oil change",  # the shopper's own car is not a search
]


@pytest.mark.parametrize("text", NOTHING)
def test_small_talk_and_common_words_ask_for_nothing(text: str) -> None:
    assert VOCAB.parse(text).is_empty(), parsed(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("do you have any trucks", {"body": "truck"}),
        ("my wife drives a sedan", {"body": "sedan"}),
        ("pick-up truck", {"body": "truck"}),
        ("crossovers", {"body": "suv"}),
        ("a van for the kids", {"body": "minivan"}),
        ("does the tesla have autopilot?", {"make": "Tesla", "features": ("Autopilot",)}),
        ("anything new in a CR-V?", {"make": "Honda", "model": "CR-V", "condition": "new"}),
        ("brand new", {"condition": "new"}),
        ("is U2304 still available?", {"stock": "U2304"}),
        ("n26101", {"stock": "N26101"}),
        (
            "I want to trade in my 2015 civic for a new cr-v",
            {"make": "Honda", "model": "CR-V", "condition": "new"},
        ),
        ("i used to drive an accord", {"make": "Honda", "model": "Accord"}),
        ("pilot?", {"make": "Honda", "model": "Pilot"}),
        ("what's the price on the passport", {"make": "Honda", "model": "Passport"}),
        ("call me at 8055550142 about the civic", {"make": "Honda", "model": "Civic"}),
    ],
)
def test_whole_messages(text: str, expected: dict[str, Any]) -> None:
    assert parsed(text) == expected


# -- condition, colour, features, trims -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("used civic", "used"),
        ("pre-owned tacoma", "used"),
        ("preowned suv", "used"),
        ("second hand car", "used"),
        ("certified pilot", "certified"),
        ("cpo", "certified"),
        ("certified pre-owned accord", "certified"),
        ("new or used civic", None),
    ],
)
def test_condition(text: str, condition: str | None) -> None:
    assert VOCAB.parse(text).condition == condition


@pytest.mark.parametrize(
    ("text", "color"),
    [
        ("grey accord", "gray"),
        ("gray honda", "gray"),
        ("any white trucks", "white"),
        ("red", "red"),
    ],
)
def test_colour(text: str, color: str) -> None:
    assert VOCAB.parse(text).color == color


@pytest.mark.parametrize(
    ("text", "features"),
    [
        ("awd suv", ("AWD",)),
        ("all wheel drive", ("AWD",)),
        ("4wd", ("AWD",)),
        ("4x4 truck", ("AWD",)),
        ("something with a third row", ("third row",)),
        ("3rd row", ("third row",)),
        ("7 seats", ("third row",)),
        ("seats 7", ("third row",)),
        ("heated seats and carplay", ("heated seats", "Apple CarPlay")),
        ("one with a sunroof", ("moonroof",)),
        ("honda sensing", ("Honda Sensing",)),
    ],
)
def test_features(text: str, features: tuple[str, ...]) -> None:
    assert VOCAB.parse(text).features == features


@pytest.mark.parametrize(
    ("text", "trim"),
    [("civic sport", "Sport"), ("hr-v ex-l", "EX-L"), ("2026 pilot elite", "Elite")],
)
def test_a_trim_of_the_model_named(text: str, trim: str) -> None:
    assert VOCAB.parse(text).trim == trim


# -- numbers ----------------------------------------------------------------------------------

NUMBERS: dict[str, dict[str, int]] = {
    "under 25k": {"price_max": 25_000},
    "below $25,000": {"price_max": 25_000},
    "less than 25000": {"price_max": 25_000},
    "max 30k": {"price_max": 30_000},
    "30k or less": {"price_max": 30_000},
    "budget is 28k": {"price_max": 28_000},
    "around 30k": {"price_min": 27_000, "price_max": 33_000},
    "between 20 and 30k": {"price_min": 20_000, "price_max": 30_000},
    "20-30k": {"price_min": 20_000, "price_max": 30_000},
    "over 40k": {"price_min": 40_000},
    "under 25": {},  # a bare number below 1000 is not money without "k"
    "$400 a month": {},
    "400/mo": {},
    "payments around 350": {},
    "5k down and 25k max": {"price_max": 25_000},
    "less than 40k miles": {"mileage_max": 40_000},
    "under 40,000 miles": {"mileage_max": 40_000},
    "low miles": {"mileage_max": 30_000},
    "under 50k mi": {"mileage_max": 50_000},
    "under $30k with less than 50k miles": {"price_max": 30_000, "mileage_max": 50_000},
    "2021 civic": {"year_min": 2021, "year_max": 2021},
    "2020 or newer": {"year_min": 2020},
    "2020+": {"year_min": 2020},
    "newer than 2019": {"year_min": 2020},
    "2019-2021": {"year_min": 2019, "year_max": 2021},
    "2019 or 2020": {"year_min": 2019, "year_max": 2020},
    "older than 2020": {"year_max": 2019},
    "trade my 2015 for a 2022": {"year_min": 2022, "year_max": 2022},
}


@pytest.mark.parametrize(("text", "expected"), NUMBERS.items())
def test_money_mileage_and_years(text: str, expected: dict[str, int]) -> None:
    numbers, _ = take_numbers(text)
    assert {k: v for k, v in vars(numbers).items() if v is not None} == expected


def test_a_full_request() -> None:
    assert parsed("Used civics under 25k, 2020 or newer, low miles, in gray please") == {
        "make": "Honda",
        "model": "Civic",
        "condition": "used",
        "price_max": 25_000,
        "year_min": 2020,
        "mileage_max": 30_000,
        "color": "gray",
    }


# -- normalise: tool arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"make": "hona", "model": "civc"}, {"make": "Honda", "model": "Civic"}),
        ({"model": "f150"}, {"make": "Ford", "model": "F-150"}),
        ({"model": "Honda Civic Sport"}, {"make": "Honda", "model": "Civic", "trim": "Sport"}),
        ({"model": "pilot", "trim": "elite"}, {"make": "Honda", "model": "Pilot", "trim": "Elite"}),
        (
            {"body": "pickup", "color": "grey", "condition": "pre-owned"},
            {"body": "truck", "color": "gray", "condition": "used"},
        ),
        (
            {"condition": "CPO", "body": "SUVs", "color": "Sonic Gray Pearl"},
            {"condition": "certified", "body": "suv", "color": "gray"},
        ),
        ({"body": "crossover", "stock": "u2304"}, {"body": "suv", "stock": "U2304"}),
        ({"make": "chevy"}, {"make": "Chevrolet"}),
        ({"make": "bmw", "model": "330i"}, {"make": "BMW", "model": "3 Series"}),
        (
            {"price_max": "25k", "year_min": "2020", "mileage_max": "40,000", "price_min": 0},
            {"price_max": 25_000, "year_min": 2020, "mileage_max": 40_000, "price_min": 0},
        ),
        (
            {"features": ("carplay", "3rd row", "autopilot", "sunroof", "jetpack")},
            {"features": ("Apple CarPlay", "third row", "Autopilot", "moonroof", "jetpack")},
        ),
        # unknown values are kept as given, so that the search then finds nothing
        ({"make": "Lamborghini", "model": "Huracan"}, {"make": "Lamborghini", "model": "Huracan"}),
        ({"color": "teal", "body": "limo"}, {"color": "teal", "body": "limo"}),
        ({"make": None, "model": "", "features": ()}, {}),
    ],
)
def test_normalise(given: dict[str, Any], expected: dict[str, Any]) -> None:
    query = VOCAB.normalise(**given)
    assert {k: v for k, v in vars(query).items() if v not in (None, ())} == expected


def test_normalise_refuses_unknown_fields_and_non_numbers() -> None:
    with pytest.raises(TypeError, match="colour"):
        VOCAB.normalise(colour="red")
    with pytest.raises(ValueError, match="price_max"):
        VOCAB.normalise(price_max="cheap")


# -- search -------------------------------------------------------------------------------------


def test_used_civics_under_25k_are_civics_within_budget() -> None:
    query = VOCAB.parse("used civics under 25k")
    cars = found(query)
    assert [car.stock for car in cars] == ["C2202"]  # certified pre-owned counts as used
    assert all(car.model == "Civic" and car.price <= 25_000 for car in cars)


def test_the_price_nearest_below_the_ceiling_comes_first() -> None:
    cars = found(VOCAB.parse("suv under 30k"))
    prices = [car.price for car in cars]
    assert prices == sorted(prices, reverse=True)
    assert all(car.body == "suv" and car.price <= 30_000 for car in cars)
    assert len(cars) >= 5


def test_gray_matches_gray_grey_and_gray_paint_names() -> None:
    cars = {c.stock for c in found(VehicleQuery(color="gray"))}
    named = {
        c.stock
        for c in CARS
        if "gray" in (c.color or "").lower() or "grey" in (c.color or "").lower()
    }
    assert named <= cars
    assert "U2314" in cars  # Mineral Grey Metallic
    # a paint name with no basic colour word still says one: steel and pewter are grays
    assert cars - named == {"U2315", "C2207"}  # Modern Steel, Pacific Pewter Metallic
    assert "C2204" not in cars  # Nordic Forest Pearl is green


def test_red_does_not_match_predawn() -> None:
    assert {c.color for c in found(VehicleQuery(color="red"))} == {
        "Radiant Red Metallic",
        "Soul Red Crystal Metallic",
    }


def test_mileage_max_excludes_higher_mileage() -> None:
    cars = found(VehicleQuery(condition="used", mileage_max=30_000))
    assert cars and all(car.mileage <= 30_000 for car in cars)
    assert {c.stock for c in cars} == {"C2201", "C2204", "U2305", "U2309", "C2206"}


def test_without_a_budget_newer_then_fewer_miles_first() -> None:
    cars = found(VOCAB.parse("cr-v"))
    assert [c.stock for c in cars] == ["N27103", "N26106", "N26107", "N26108", "C2201", "U2315"]


def test_an_exact_trim_before_a_partial_one() -> None:
    cars = found(VOCAB.normalise(model="civic", trim="sport"))
    assert [c.trim for c in cars] == ["Sport", "Hybrid Sport", "Sport Touring Hybrid"]


def test_features_years_conditions_and_stock() -> None:
    third_row = found(VOCAB.parse("awd suv with a third row"))
    assert {c.model for c in third_row} == {"Pilot", "Telluride"}
    assert all(c.year >= 2022 for c in found(VOCAB.parse("2022 or newer")))
    assert {c.condition for c in found(VOCAB.parse("certified"))} == {Condition.CERTIFIED}
    assert found(VOCAB.parse("is u2304 available")) == [BY_STOCK["U2304"]]
    assert found(VOCAB.parse("any corollas")) == []
    assert len(found(VehicleQuery(), limit=3)) == 3


def test_an_english_word_model_said_with_its_trim_is_the_model() -> None:
    """ "how much is the outback premium": the trim is the vehicle context the word needs;
    the word alone in a sentence stays a word."""
    from tests.records import vehicle

    cars = [
        vehicle(id=91, stock="W1", make="Subaru", model="Outback", trim="Premium"),
        vehicle(id=92, stock="W2", make="Honda", model="Passport", trim="TrailSport AWD"),
    ]
    vocab = InventoryVocabulary.from_vehicles(cars)
    assert vocab.parse("whats the outback premium go for").model == "Outback"
    assert vocab.parse("how about the passport trailsport").model == "Passport"
    assert vocab.parse("we camped in the outback last summer").model is None
