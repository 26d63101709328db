"""`agent.nlu.when.parse_when`: shoppers' texts to time requests, relative to the dealership's now.

Unless a test says otherwise, now is Friday 2026-03-06 21:40 in America/Los_Angeles.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from agent.nlu.when import TimeRequest, parse_when

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 6, 21, 40, tzinfo=LA)  # a Friday evening
FRI, SAT, SUN, MON, TUE = (date(2026, 3, d) for d in (6, 7, 8, 9, 10))


def at(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


# text -> (day, at, earliest, latest)
EXAMPLES: dict[str, tuple[date | None, time | None, time | None, time | None]] = {
    "can I come sat morning?": (SAT, None, at(9), at(12)),
    "tmrw after 5": (SAT, None, at(17), None),
    "next tuesday at 4": (TUE, at(16), None, None),
    "10 works": (None, at(10), None, None),
    "11 instead": (None, at(11), None, None),
    "how about 3": (None, at(15), None, None),
    "how about 2:30pm friday": (date(2026, 3, 13), at(14, 30), None, None),
    "tonight": (FRI, None, at(17), at(21)),
    "noon tomorrow": (SAT, at(12), None, None),
    "march 12 at 11am": (date(2026, 3, 12), at(11), None, None),
    "3/12 at 11": (date(2026, 3, 12), at(11), None, None),
    "any time monday": (MON, None, None, None),
    "today": (FRI, None, None, None),
    "yeah let's do saturday at 10 for the civic": (SAT, at(10), None, None),
    "Saturday at 10 for the CX-5, 2 kids coming": (SAT, at(10), None, None),
    "sunday afternoon": (SUN, None, at(12), at(17)),
    "tomorrow evening at 7": (SAT, at(19), at(17), at(21)),
    "tonight after 8": (FRI, None, at(20), at(21)),
    "tomorrow afternoon after 3": (SAT, None, at(15), at(17)),
    "tmrw pm": (SAT, None, at(12), at(17)),
    "sat 10?": (SAT, at(10), None, None),
    "10 on saturday": (SAT, at(10), None, None),
    "monday at lunch": (MON, None, at(11, 30), at(13, 30)),
    "monday after lunch": (MON, None, at(13, 30), None),
    "the day after tomorrow at 1": (SUN, at(13), None, None),
    "can't do saturday, sunday instead?": (SUN, None, None, None),
    "not 10, how about 11": (None, at(11), None, None),
    "10 or 11": (None, at(10), None, None),
    "tmrw 9-11": (SAT, None, at(9), at(11)),
    "I'm free wednesday 2-4": (date(2026, 3, 11), None, at(14), at(16)),
    "how about the 12th": (date(2026, 3, 12), None, None, None),
    "the 5th at 10": (date(2026, 4, 5), at(10), None, None),  # already past this month
    "text me at (805) 555-0123 after 6": (None, None, at(18), None),
    "is the 2020 Camry there? could come Saturday around 11": (SAT, at(11), None, None),
}


@pytest.mark.parametrize(("text", "expected"), EXAMPLES.items(), ids=list(EXAMPLES))
def test_examples(
    text: str, expected: tuple[date | None, time | None, time | None, time | None]
) -> None:
    got = parse_when(text, NOW)
    assert (got.day, got.at, got.earliest, got.latest) == expected


# Weekday names, abbreviations and typos; a bare weekday at 21:40 on a Friday.
WEEKDAYS = {
    "mon": MON, "Monday": MON, "tue": TUE, "tues": TUE, "TUESDAY": TUE,
    "wed": date(2026, 3, 11), "weds": date(2026, 3, 11), "wednesday": date(2026, 3, 11),
    "wednsday": date(2026, 3, 11), "thu": date(2026, 3, 12), "thur": date(2026, 3, 12),
    "thurs": date(2026, 3, 12), "thursdy": date(2026, 3, 12), "fri": date(2026, 3, 13),
    "friday": date(2026, 3, 13), "sat": SAT, "saturdy": SAT, "Saturdays": SAT, "staurday": SAT,
    "sun": SUN, "sunday": SUN, "this saturday": SAT, "on sat.": SAT, "this coming monday": MON,
}  # fmt: skip


@pytest.mark.parametrize(("text", "day"), WEEKDAYS.items(), ids=list(WEEKDAYS))
def test_weekday_names(text: str, day: date) -> None:
    assert parse_when(text, NOW).day == day


# "next <weekday>": the coming one if more than 2 days away, otherwise a week after that.
NEXT = {
    "next saturday": date(2026, 3, 14),  # coming Saturday is tomorrow
    "next sunday": date(2026, 3, 15),  # coming Sunday is 2 days away
    "next monday": MON,  # 3 days away
    "next tuesday": TUE,
    "next friday": date(2026, 3, 13),  # never today
    "next weekend": date(2026, 3, 14),
}


@pytest.mark.parametrize(("text", "day"), NEXT.items(), ids=list(NEXT))
def test_next_weekday_rule(text: str, day: date) -> None:
    assert parse_when(text, NOW).day == day


MORNING = datetime(2026, 3, 6, 10, 0, tzinfo=LA)  # Friday 10:00


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("friday", date(2026, 3, 13)),  # no time: a weekday never means today
        ("friday at 4", FRI),  # a time later than now: today
        ("friday at 9am", date(2026, 3, 13)),  # already past
        ("friday afternoon", FRI),  # the window has not closed
        ("friday morning", FRI),  # ends at 12:00, still ahead
        ("this friday", date(2026, 3, 13)),
    ],
)
def test_bare_weekday_is_today_only_with_a_later_time(text: str, day: date) -> None:
    assert parse_when(text, MORNING).day == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow", SAT), ("tmrw", SAT), ("tmr", SAT), ("tomorow", SAT), ("2morrow", SAT),
        ("tommorow at 3", SAT), ("day after tomorrow", SUN), ("2day", FRI),
    ],
)  # fmt: skip
def test_relative_days(text: str, expected: date) -> None:
    assert parse_when(text, NOW).day == expected


@pytest.mark.parametrize("text", ["this weekend", "weekend?", "sometime on the weekend"])
def test_weekend(text: str) -> None:
    got = parse_when(text, NOW)
    assert (got.day, got.weekend) == (SAT, True)


def test_weekend_on_a_saturday_is_today() -> None:
    got = parse_when("this weekend", datetime(2026, 3, 7, 9, 0, tzinfo=LA))
    assert (got.day, got.weekend) == (SAT, True)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("march 12", date(2026, 3, 12)),
        ("Mar 12th", date(2026, 3, 12)),
        ("12 march", date(2026, 3, 12)),
        ("the 12th of march", date(2026, 3, 12)),
        ("3/12", date(2026, 3, 12)),
        ("3/12/2026", date(2026, 3, 12)),
        ("3/12/26", date(2026, 3, 12)),
        ("march 6", FRI),  # today is not past
        ("march 1", date(2027, 3, 1)),  # already past this year: next year
        ("2/14", date(2027, 2, 14)),
        ("april 3, 2027", date(2027, 4, 3)),
    ],
)
def test_dates(text: str, day: date) -> None:
    assert parse_when(text, NOW).day == day


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("10", at(10)), ("10am", at(10)), ("10 am", at(10)), ("10 a.m.", at(10)),
        ("10:30", at(10, 30)), ("2:30pm", at(14, 30)), ("2.30pm", at(14, 30)), ("noon", at(12)),
        ("midday", at(12)), ("at 4", at(16)), ("4ish", at(16)), ("around 4", at(16)),
        ("at 7", at(7)), ("at 12", at(12)), ("12am", at(0)), ("12pm", at(12)),
        ("16:00", at(16)), ("1600h", at(16)), ("0930 hrs", at(9, 30)), ("5 o'clock", at(17)),
        ("10 would work", at(10)), ("ok 3", at(15)), ("@ 6", at(18)), ("11 is good", at(11)),
    ],
)  # fmt: skip
def test_clock_times(text: str, clock: time) -> None:
    got = parse_when(text, NOW)
    assert (got.day, got.at) == (None, clock)


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("after 5", at(17), None),
        ("after 5:30", at(17, 30), None),
        ("before 3", None, at(15)),
        ("no later than 4pm", None, at(16)),
        ("between 2 and 4", at(14), at(16)),
        ("between 11 and 1", at(11), at(13)),
        ("between 5 and 7", at(17), at(19)),
        ("from 10am to 12pm", at(10), at(12)),
        ("2-4pm", at(14), at(16)),
        ("morning", at(9), at(12)),
        ("afternoon", at(12), at(17)),
        ("evening", at(17), at(21)),
        ("lunchtime", at(11, 30), at(13, 30)),
        ("after work", at(17), None),
    ],
)
def test_windows(text: str, earliest: time | None, latest: time | None) -> None:
    got = parse_when(text, NOW)
    assert (got.at, got.earliest, got.latest) == (None, earliest, latest)


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        ("in an hour", FRI, at(22, 45)),  # 22:40 rounded up to the quarter
        ("in 2 hours", FRI, at(23, 45)),
        ("in 30 min", FRI, at(22, 15)),
        ("in 20 minutes", FRI, at(22, 0)),
        ("in half an hour", FRI, at(22, 15)),
        ("in 3 hrs", SAT, at(0, 45)),
    ],
)
def test_in_a_while(text: str, day: date, clock: time) -> None:
    got = parse_when(text, NOW)
    assert (got.day, got.at) == (day, clock)


@pytest.mark.parametrize(
    "text",
    [
        "earliest you have",
        "asap",
        "as soon as possible",
        "whats the soonest",
        "first available please",
    ],
)
def test_asap(text: str) -> None:
    got = parse_when(text, NOW)
    assert got.asap and not got.is_empty()


NOT_TIMES = [
    "do you have a 2021 civic under 25k",
    "is the model 3 still there",
    "my number is 805-555-0123",
    "call 805 555 0123",
    "i have 2 kids",
    "anything under $300 a month?",
    "budget is 25,000",
    "it has 40k miles",
    "is the F-150 available",
    "how about the CX-5",
    "looking for a 3 series",
    "any 4runner in stock",
    "stock U2101",
    "need 3 rows and 7 seats",
    "at 2 kids and a dog we need space",
    "what's the apr 3.9%",
    "0% apr for 60 months?",
    "2.5 liter engine",
    "I sat in the rav4 yesterday",
    "good morning! is the mazda 3 still there",
    "we want 2 of them",
    "2nd row captain chairs?",
    "4x4 only",
    "around 40 miles away",
    "after 5 years of ownership",
    "i may 3 things",
    "the 2nd owner?",
    "it was the 1st time",
    "i sat at 3 different dealers",
    "the engine has 200 hours",
    "we'll be there in 20",
    "yes",
    "",
]


@pytest.mark.parametrize("text", NOT_TIMES)
def test_not_about_time(text: str) -> None:
    got = parse_when(text, NOW)
    assert got.is_empty(), got


# DST: clocks spring forward on Sunday 2026-03-08 at 02:00 and fall back on 2026-11-01 at 02:00.
@pytest.mark.parametrize(
    ("now", "text", "day", "clock"),
    [
        (datetime(2026, 3, 7, 23, 30, tzinfo=LA), "tomorrow at 10", SUN, at(10)),
        (datetime(2026, 3, 7, 23, 30, tzinfo=LA), "monday", MON, None),
        (datetime(2026, 3, 8, 1, 30, tzinfo=LA), "in an hour", SUN, at(3, 30)),  # no 02:30
        (datetime(2026, 3, 8, 1, 50, tzinfo=LA), "in 30 min", SUN, at(3, 30)),
        (datetime(2026, 10, 31, 23, 30, tzinfo=LA), "tomorrow at 9am", date(2026, 11, 1), at(9)),
        (datetime(2026, 11, 1, 0, 45, tzinfo=LA), "in 2 hours", date(2026, 11, 1), at(1, 45)),
        # Sunday: the coming Tuesday is 2 days away, so "next tuesday" is the one after.
        (datetime(2026, 11, 1, 8, 0, tzinfo=LA), "next tuesday", date(2026, 11, 10), None),
    ],
)
def test_dst_weeks(now: datetime, text: str, day: date, clock: time | None) -> None:
    got = parse_when(text, now)
    assert (got.day, got.at) == (day, clock)


def test_fall_back_keeps_the_second_one_thirty() -> None:
    got = parse_when("in 2 hours", datetime(2026, 11, 1, 0, 45, tzinfo=LA))
    assert got.at is not None and got.at.fold == 1  # 01:45 PST, the repeated hour


YEAR_END = datetime(2026, 12, 30, 15, 0, tzinfo=LA)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("jan 3", date(2027, 1, 3)),
        ("1/3 at 2", date(2027, 1, 3)),
        ("dec 31", date(2026, 12, 31)),
        ("tomorrow", date(2026, 12, 31)),
        ("day after tomorrow", date(2027, 1, 1)),
        ("monday", date(2027, 1, 4)),
    ],
)
def test_year_end(text: str, day: date) -> None:
    assert parse_when(text, YEAR_END).day == day


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("Yeah let's do Saturday at 10 for the civic, or ASAP", "Saturday at 10 | ASAP"),
        ("this coming monday around 2:30pm", "this coming monday around 2:30pm"),
        ("nothing here", ""),
    ],
)
def test_text_keeps_the_matched_phrases(text: str, phrases: str) -> None:
    assert parse_when(text, NOW).text == phrases


def test_is_empty() -> None:
    assert TimeRequest(None, None, None, None).is_empty()
    assert not TimeRequest(None, None, None, None, weekend=True).is_empty()
    assert not parse_when("10", NOW).is_empty()


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("tomorrow", datetime(2026, 3, 6, 21, 40))


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        ("monday at 2, no wait make it 3", date(2026, 3, 9), at(15)),
        ("tuesday 10am. actually make that 11", date(2026, 3, 10), at(11)),
        ("sunday at noon, wait sorry, i meant 1", date(2026, 3, 8), at(13)),
        ("monday at 4 or rather tuesday", date(2026, 3, 10), at(16)),
        ("change it to 2", None, at(14)),
        ("switch it to 4:30", None, at(16, 30)),
    ],
)
def test_a_correction_in_the_message_wins(text: str, day: date | None, clock: time) -> None:
    when = parse_when(text, NOW)
    assert (when.day, when.at, when.rough) == (day, clock, False)


@pytest.mark.parametrize("text", ["actually i have 2 kids", "wait 5 minutes", "i meant 3 people"])
def test_a_correction_word_does_not_make_a_count_an_hour(text: str) -> None:
    assert parse_when(text, NOW).at is None


# -- a number that belongs to a name, several times offered as alternatives ----------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("could i take the cx 5 out sunday afternoon", at(12), at(17)),
        ("want to drive the kona 2 monday morning", at(9), at(12)),
        ("ioniq 5 tuesday evening?", at(17), at(21)),
    ],
)
def test_a_number_glued_to_a_name_before_a_day_is_no_hour(
    text: str, earliest: time, latest: time
) -> None:
    got = parse_when(text, NOW)
    assert (got.at, got.earliest, got.latest) == (None, earliest, latest)


@pytest.mark.parametrize(
    ("text", "clock"),
    [("ok 4 sunday", at(16)), ("lets do 11 monday", at(11)), ("sunday 4 for the cx 5", at(16))],
)
def test_a_bare_hour_next_to_a_day_is_still_an_hour(text: str, clock: time) -> None:
    assert parse_when(text, NOW).at == clock


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("i could do mon at 5 or tue at 10", ((MON, at(17)), (TUE, at(10)))),
        ("sunday 11 or 3 works", ((SUN, at(11)), (SUN, at(15)))),
        ("either 2pm saturday or 9am monday", ((SAT, at(14)), (MON, at(9)))),
    ],
)
def test_times_given_as_alternatives_are_options(text: str, options: tuple[object, ...]) -> None:
    assert parse_when(text, NOW).options == options


@pytest.mark.parametrize(
    "text", ["saturday at 10 instead of 11", "sunday at 2", "monday around 4 or so"]
)
def test_one_time_is_no_options(text: str) -> None:
    assert parse_when(text, NOW).options == ()


@pytest.mark.parametrize(
    "text", ["Morning! is the pilot still there", "evening, how many miles on it"]
)
def test_a_greeting_is_no_part_of_the_day(text: str) -> None:
    assert parse_when(text, NOW).is_empty()


def test_a_part_of_the_day_answering_a_question_is_still_one() -> None:
    assert parse_when("morning works", NOW).earliest == at(9)
