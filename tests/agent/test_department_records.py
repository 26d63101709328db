"""Departments and spec sheets from the store's records (issue 15): a department's phone and
hours come from the dealership record first and its pages second; every number the dealership
publishes passes the guardrail while a staff member's own cell does not; a vehicle's spec
sheet answers feature questions besides its features list. The phrasings asked here are not
the ones the offline rules were tuned on."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent.engines.offline import facts_replies
from agent.facts import dealership_facts
from agent.guardrails import GuardContext, check_reply, record_contacts
from agent.nlu.when import parse_when
from agent.tools import vehicle_view
from agent.vehicle_facts import asked_feature, check, listing_facts
from crm_store.records import DealershipRecord, DepartmentRecord, VehicleSpecs
from tests.records import vehicle

ZONE = ZoneInfo("America/Los_Angeles")
WEEKDAYS = {d: (time(7, 30), time(17, 30)) for d in range(5)}
DEALER = DealershipRecord(
    id=1,
    slug="bayside",
    name="Bayside Kia",
    timezone="America/Los_Angeles",
    phone="+16195550142",
    address="88 Marina Way, San Diego, CA",
    test_drive_minutes=30,
    hours={d: (time(9), time(19)) for d in range(6)},
    departments=(
        DepartmentRecord("service", "+16195550177", None, WEEKDAYS | {5: (time(8), time(12))}),
        DepartmentRecord("parts", "+16195550188", "parts@bayside.example", WEEKDAYS),
        DepartmentRecord("finance", None, None, {6: (time(11), time(16))}),
    ),
)
# The pages say other things: the record wins where it has a value, the pages fill the rest.
PAGES = [
    "Our service center is open Monday to Friday 7 AM - 5 PM and Saturday 8 AM to 1 PM.",
    "The finance office direct line is (619) 555-0166.",
]
STAFF_CELL = "(619) 555-0105"  # Omar's own phone: in no record of the dealership, no page
WEDNESDAY_NIGHT = datetime(2026, 4, 1, 21, 15, tzinfo=ZONE)
WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def answer(text: str) -> str:
    """The offline engine's answer to a facts question, facts from the record and pages."""
    calls, _ = facts_replies.asks(text, parse_when(text, WEDNESDAY_NIGHT))
    assert calls, text
    results: list[dict[str, Any]] = [
        dealership_facts(
            DEALER,
            WEDNESDAY_NIGHT,
            topic=args["topic"],
            day=args.get("day"),
            department=args.get("department", "sales"),
            texts=PAGES,
        )
        for _, args in calls
    ]
    return facts_replies.text(results, "seed")


def test_the_records_hours_and_phone_come_before_the_pages() -> None:
    got = dealership_facts(
        DEALER, WEDNESDAY_NIGHT, topic="all", day="saturday", department="service", texts=PAGES
    )
    saturday = got["department_days"][0]
    assert (saturday["open"], saturday["close"], saturday["known"]) == ("8:00 AM", "12:00 PM", True)
    assert got["department_phone"] == "(619) 555-0177"
    assert got["department_week"]["Sunday"] == "closed"  # a day the record leaves out
    assert got["departments"]["parts"] == {
        "phone": "(619) 555-0188",
        "email": "parts@bayside.example",
        "week": {
            **{day: "7:30 AM-5:30 PM" for day in WEEK[:5]},
            "Saturday": "closed",
            "Sunday": "closed",
        },
    }
    assert got["departments"]["finance"]["phone"] is None
    finance = dealership_facts(
        DEALER, WEDNESDAY_NIGHT, topic="phone", day=None, department="finance", texts=PAGES
    )
    assert finance["department_phone"] == "(619) 555-0166"  # no number in the record: pages


@pytest.mark.parametrize(
    ("text", "said", "not_said"),
    [
        ("what time does the service dept open on saturday", ["8:00 AM", "12:00 PM"], ["1:00"]),
        ("is the parts counter open this sunday", ["closed"], []),
        ("can finance see me sunday, what hours", ["11:00 AM", "4:00 PM"], []),
        ("what's the direct line for parts", ["(619) 555-0188"], ["0142"]),
        ("number for the service department?", ["(619) 555-0177"], ["0142"]),
    ],
)
def test_department_questions_are_answered_from_the_record(
    text: str, said: list[str], not_said: list[str]
) -> None:
    reply = answer(text)
    assert all(s in reply for s in said), reply
    assert not any(s in reply for s in not_said), reply


def test_every_published_number_passes_the_guardrail_and_a_staff_cell_does_not() -> None:
    ctx = GuardContext(
        allowed_amounts=frozenset(),
        allowed_contacts=record_contacts(DEALER),
        approved_texts=tuple(PAGES),
    )
    for reply in (
        "Parts is at (619) 555-0188 or parts@bayside.example.",
        "Service: 619-555-0177. The showroom: +1 619 555 0142.",
        "The finance office line is (619) 555-0166.",  # written in the pages only
    ):
        assert check_reply(reply, ctx).ok, reply
    assert check_reply(f"Omar's cell is {STAFF_CELL}.", ctx).violations == (
        "foreign_contact:phone",
    )
    assert not check_reply("Write to omar@bayside.example.", ctx).ok


SPEC_CAR = vehicle(
    features=("heated seats",),
    specs=VehicleSpecs(
        engine="1.5L turbo I4",
        drivetrain="AWD",
        transmission="CVT automatic",
        fuel_economy="29 city / 37 highway mpg",
        seats=7,
        towing=3500,
    ),
)


def test_the_vehicle_view_and_listing_facts_carry_the_spec_sheet() -> None:
    view = vehicle_view(SPEC_CAR)
    assert view["specs"]["seats"] == 7 and view["specs"]["drivetrain"] == "AWD"
    facts = listing_facts(view)
    assert "1.5L turbo I4 engine" in facts and "7 seats" in facts
    assert "tows up to 3,500 lbs" in facts and "29 city / 37 highway mpg" in facts
    assert listing_facts(vehicle_view(vehicle(features=("AWD",)))) == []


@pytest.mark.parametrize(
    ("question", "listed", "instead"),
    [
        ("is that one awd?", "AWD", None),
        ("does it come with a turbo", "1.5L turbo I4 engine", None),
        ("is it a stick shift", None, "automatic"),
        ("is this one an automatic", "CVT automatic", None),
        ("is it fwd", None, "awd"),
        ("does it have 7 seats", "7 seats", None),
        ("does it have a tow package", "tows up to 3,500 lbs", None),
    ],
)
def test_feature_questions_are_answered_from_the_spec_sheet(
    question: str, listed: str | None, instead: str | None
) -> None:
    feature = asked_feature(question)
    assert feature is not None, question
    got = check(vehicle_view(SPEC_CAR), feature)
    assert (got.listed, got.instead) == (listed, instead)
    bare = check(vehicle_view(vehicle(features=("heated seats",))), feature)
    assert bare.listed is None  # without the spec sheet the listing does not say
