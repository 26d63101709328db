"""Dealership facts from the record (agent/facts.py), the questions the offline engine reads
as asking for them (facts_replies.asks), and templates that never show a missing value."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from agent import prompts
from agent.engines.offline import facts_replies
from agent.facts import days_asked, dealership_facts, department_hours, directions
from agent.nlu.when import parse_when
from crm_store.records import DealershipRecord

ZONE = ZoneInfo("America/Los_Angeles")
DEALER = DealershipRecord(
    id=1,
    slug="bayside",
    name="Bayside Kia",
    timezone="America/Los_Angeles",
    phone="+16195550142",
    address="88 Marina Way, San Diego, CA",
    test_drive_minutes=30,
    hours={d: (time(9), time(19)) for d in range(5)} | {5: (time(10), time(16))},  # Sun closed
)
PAGES = [
    "Our service center is open Monday to Friday 7:30 AM - 5:00 PM and Saturday 8 AM to 1 PM,"
    " and closed on Sunday. Parking is behind the building. From I-5, take the Marina exit"
    " and turn right at the second light.",
    "We sell new and used Kias.",
]
WEDNESDAY_NIGHT = datetime(2026, 4, 1, 21, 15, tzinfo=ZONE)  # closed since 7 PM


def facts(
    topic: str = "hours", day: str | None = None, department: str = "sales"
) -> dict[str, Any]:
    return dealership_facts(
        DEALER, WEDNESDAY_NIGHT, topic=topic, day=day, department=department, texts=PAGES
    )


def test_days_asked_reads_relative_days_weekdays_and_the_weekend() -> None:
    wednesday = date(2026, 4, 1)
    assert days_asked(None, wednesday) == [wednesday]
    assert days_asked("tomorrow", wednesday) == [date(2026, 4, 2)]
    assert days_asked("sat", wednesday) == [date(2026, 4, 4)]
    assert days_asked("Wednesdays", wednesday) == [wednesday]
    assert days_asked("weekend", wednesday) == [date(2026, 4, 4), date(2026, 4, 5)]
    assert len(days_asked("week", wednesday)) == 7
    with pytest.raises(ValueError, match="'someday' is not a day"):
        days_asked("someday", wednesday)


def test_the_day_asked_comes_from_the_record_with_open_now_and_next_opening() -> None:
    got = facts(day="2026-04-04")
    assert [(d["weekday"], d["open"], d["close"]) for d in got["days"]] == [
        ("Saturday", "10:00 AM", "4:00 PM")
    ]
    assert got["open_now"] is False
    assert got["next_open"]["weekday"] == "Thursday"
    assert got["next_open"]["relative"] == "tomorrow"
    sunday = facts(day="sunday")["days"][0]
    assert sunday["closed"] is True
    assert got["address"] == "88 Marina Way, San Diego, CA"
    assert got["phone"] == "(619) 555-0142"


def test_department_hours_are_read_from_the_dealerships_own_text() -> None:
    week, stated = department_hours("service", PAGES)
    assert week[0] == ("7:30 AM", "5:00 PM")
    assert week[5] == ("8:00 AM", "1:00 PM")
    assert week[6] is None
    assert stated and "service center" in stated[0]
    saturday = facts(day="saturday", department="service")["department_days"][0]
    assert (saturday["open"], saturday["close"], saturday["known"]) == ("8:00 AM", "1:00 PM", True)
    assert department_hours("finance", PAGES) == ({}, [])


def test_directions_are_the_pages_sentences_about_getting_there_and_parking() -> None:
    said = directions(PAGES)
    assert any("Marina exit" in s for s in said)
    assert any("Parking is behind" in s for s in said)
    assert not any("new and used" in s for s in said)


def _asked(text: str) -> list[tuple[str, dict[str, Any]]]:
    return facts_replies.asks(text, parse_when(text, WEDNESDAY_NIGHT))[0]


@pytest.mark.parametrize(
    ("text", "topic", "day"),
    [
        ("wheres the dealership", "address", None),
        ("what city r u guys in", "address", None),
        ("whats the store number", "phone", None),
        ("u open thursday?", "hours", "2026-04-02"),
        ("what time does service close tmrw", "hours", "2026-04-02"),
        ("hrs this weekend?? hours i mean", "hours", "weekend"),
        ("how do i get there from the freeway", "directions", None),
        ("where should i park", "parking", None),
    ],
)
def test_fact_questions_become_dealership_info_calls(text: str, topic: str, day: str) -> None:
    calls = _asked(text)
    assert calls, text
    name, args = calls[0]
    assert name == "dealership_info"
    assert (args["topic"], args.get("day")) == (topic, day)


@pytest.mark.parametrize(
    "text",
    [
        "is the sportage still available",
        "are you open to offers on the telluride",
        "how many hours of charging does the ev6 need",
        "whats ur doc fee",
    ],
)
def test_other_questions_are_not_fact_questions(text: str) -> None:
    assert _asked(text) == []


def test_one_day_is_answered_not_the_week() -> None:
    reply = facts_replies.text([facts(day="2026-04-04")], "seed")
    assert "10:00 AM to 4:00 PM" in reply
    assert "Saturday" in reply
    assert "7:00 PM" not in reply  # weekday hours are not listed


def test_a_closed_day_says_so_and_the_week_is_grouped() -> None:
    assert "closed" in facts_replies.text([facts(day="sunday")], "s").lower()
    week = facts_replies.text([facts(day="week")], "s")
    assert "Mon-Fri 9:00 AM-7:00 PM" in week
    assert "Sat 10:00 AM-4:00 PM" in week
    assert "Sun closed" in week


def test_a_missing_value_picks_the_variant_without_it() -> None:
    assert prompts.render("lead_saved", "any", name=None) == "Thanks, I've saved your details."
    for seed in ("a", "b", "c", "d"):
        named = prompts.render("lead_saved", seed, name="Dana")
        assert "Dana" in named
        assert "there" not in prompts.render("lead_saved", seed, name=None)
    with pytest.raises(ValueError, match="'when'"):
        prompts.render("handoff_other", "x", when=None)


DEPARTMENT_PAGES = [
    *PAGES,
    "Call or text the showroom at (619) 555-0142, or the service center directly at"
    " (619) 555-0177; service can be booked online too.",
    "The finance office works with several lenders.",
]


def test_a_departments_number_is_the_one_its_pages_state_else_none() -> None:
    def phone(department: str) -> dict[str, object]:
        return dealership_facts(
            DEALER,
            WEDNESDAY_NIGHT,
            topic="phone",
            day=None,
            department=department,
            texts=DEPARTMENT_PAGES,
        )

    assert phone("service")["department_phone"] == "(619) 555-0177"
    assert phone("service")["phone"] == "(619) 555-0142"  # the main number stays
    assert phone("finance")["department_phone"] is None  # no number written for it
    assert "department_phone" not in phone("sales")


@pytest.mark.parametrize(
    ("text", "department"),
    [
        ("whats the service dept phone #", "service"),
        ("number for parts?", "parts"),
        ("can u give me the finance office's direct line", "finance"),
        ("how can i reach the parts counter", "parts"),
        ("whats ur number", None),
    ],
)
def test_a_departments_number_asked_for_names_the_department(
    text: str, department: str | None
) -> None:
    calls = facts_replies.asks(text, parse_when(text, WEDNESDAY_NIGHT))[0]
    assert calls == [
        (
            "dealership_info",
            {"topic": "phone", **({"department": department} if department else {})},
        )
    ]


def test_the_department_number_is_answered_and_the_main_one_when_none_is_written() -> None:
    service = {"topic": "phone", "department": "service", "name": "Bayside Kia"}
    said = facts_replies.text(
        [{**service, "phone": "(619) 555-0142", "department_phone": "(619) 555-0177"}], "s"
    )
    assert "(619) 555-0177" in said and "0142" not in said
    said = facts_replies.text(
        [{**service, "phone": "(619) 555-0142", "department_phone": None}], "s"
    )
    assert "(619) 555-0142" in said and "service" in said


SATURDAY = date(2026, 4, 4)


@pytest.mark.parametrize(
    ("text", "after_facts", "day"),
    [
        ("what time do yall close on the day i said", False, "2026-04-04"),
        ("how late is the parts counter open that day", False, "2026-04-04"),
        ("n when do u close", True, "2026-04-04"),  # follows a facts answer about Saturday
        ("are you open right now", True, None),  # today, not the day discussed
        ("when do you close", False, None),  # nothing points at the discussed day
        ("and sunday?", True, "2026-04-05"),  # a day of its own wins
    ],
)
def test_hours_without_a_day_of_their_own_are_the_day_under_discussion(
    text: str, after_facts: bool, day: str | None
) -> None:
    when = parse_when(text, WEDNESDAY_NIGHT, day=SATURDAY)
    calls = facts_replies.asks(text, when, after_facts=after_facts, day=SATURDAY)[0]
    assert [a.get("day") for _, a in calls] == [day]
    assert facts_replies.day_asked(calls) == day


def test_only_the_day_asked_is_kept_as_the_day_under_discussion() -> None:
    hours = "dealership_info", {"topic": "hours", "day": "2026-04-04"}
    assert facts_replies.day_asked([hours]) == "2026-04-04"
    assert facts_replies.day_asked([("dealership_info", {"topic": "hours", "day": "week"})]) is None
    assert facts_replies.day_asked([("dealership_info", {"topic": "phone"})]) is None
    assert facts_replies.points_at_day("how late r u open that day")
    assert not facts_replies.points_at_day("how late r u open")
