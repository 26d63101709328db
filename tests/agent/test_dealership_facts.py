"""Dealership facts from the record (agent/facts.py), the questions the offline engine reads
as asking for them (facts_replies.asks), and templates that never show a missing value."""

from __future__ import annotations

from datetime import date, datetime, time
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


def facts(topic: str = "hours", day: str | None = None, department: str = "sales") -> dict:
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


def _asked(text: str) -> list[tuple[str, dict]]:
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
