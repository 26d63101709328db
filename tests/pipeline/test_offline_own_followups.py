"""Follow-up questions about the shopper's own standing test drive (booked before, by staff)
through the real pipeline (offline engine, demo world, Friday 2026-03-06 21:40): how long it
takes (the dealership's record), whether it is of the car named, a spec of the booked car,
what to bring (the test-drive page), and whether anything is still booked after a
cancellation. Nobody is paged for any of them; a negotiation still is.

Tuned on the issue-15 gap conversations (Chugach, Summit, Tidewater); every phrasing here is
held out: other models, another dealership, typos and SMS shorthand.
"""

from __future__ import annotations

import pytest

from nightshift.runtime import Runtime
from tests import demo
from tests.pipeline.test_offline_own_booking import MONDAY_11, Shopper

TELLURIDE = "U2312"  # 2021 Kia Telluride EX AWD: AWD, third-row seating
LENGTHS = [
    "how long is the test drive",
    "hw long is the td",
    "how much time should i plan for",
    "ok and how long does it take",
]


def _telluride_booked(runtime: Runtime, phone: str) -> Shopper:
    shopper = Shopper(runtime, phone)
    shopper.booked_before(TELLURIDE, MONDAY_11)
    return shopper


@pytest.mark.parametrize("question", LENGTHS)
def test_how_long_is_the_dealerships_drive_length_with_their_drive(
    runtime: Runtime, question: str
) -> None:
    shopper = _telluride_booked(runtime, "+18055550401")
    reply = shopper.say(question)
    assert "30 minutes" in reply  # test_drive_minutes in the demo dealership's record
    assert "Telluride" in reply and "Monday, March 9 at 11:00 AM" in reply
    assert "$" not in reply  # not the car's listing again
    assert shopper.standing() == [(TELLURIDE, MONDAY_11)]


def test_is_it_the_car_named_says_yes_or_which_car_it_is(runtime: Runtime) -> None:
    shopper = _telluride_booked(runtime, "+18055550402")
    shopper.say("when is my appt")
    yes = shopper.say("wait is it the kia?")
    assert yes.startswith("Yes") and "Telluride" in yes and "Monday" in yes
    no = shopper.say("is that the tacoma")
    assert no.startswith("No") and "Telluride" in no and "Tacoma" in no
    assert "U2303" not in no  # the Tacoma is named as asked, not offered
    assert shopper.standing() == [(TELLURIDE, MONDAY_11)]


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("is the kia the third row one?", "third-row"),
        ("is it the awd one", "AWD"),
        ("is the telluride the 3 row one", "third-row"),
    ],
)
def test_a_spec_of_the_booked_car_is_read_from_its_listing(
    runtime: Runtime, question: str, fact: str
) -> None:
    shopper = _telluride_booked(runtime, "+18055550403")
    reply = shopper.say(question)
    assert fact in reply and "Telluride" in reply and "U2312" in reply
    assert "30 minutes" not in reply  # not the test-drive page


def test_what_to_bring_to_their_drive_is_on_the_test_drive_page(runtime: Runtime) -> None:
    shopper = _telluride_booked(runtime, "+18055550404")
    shopper.say("what time is my test drive")
    reply = shopper.say("do i need anything with me")
    assert "license" in reply and "insurance" in reply
    closing = shopper.say("k thx")
    assert "$" not in closing and "U2312" not in closing  # a thank-you, not the listing


def test_a_first_question_what_to_bring_is_about_the_drive_that_stands(runtime: Runtime) -> None:
    shopper = _telluride_booked(runtime, "+18055550407")
    reply, conversation = demo.chat(runtime, shopper.phone, "what do i need to have on me?")
    assert "license" in reply[0] and "insurance" in reply[0]
    assert demo.handoff_reasons(runtime, conversation) == ()


@pytest.mark.parametrize("question", ["so i have nothing booked now?", "do i still have a td?"])
def test_after_cancelling_nothing_is_booked_and_one_is_offered(
    runtime: Runtime, question: str
) -> None:
    shopper = _telluride_booked(runtime, "+18055550405")
    shopper.say("i need to cancel my test drive")
    assert shopper.standing() == []
    reply, conversation = demo.chat(runtime, shopper.phone, question)
    assert "don't see a test drive" in reply[0] and "set one up" in reply[0]
    assert "Telluride" not in reply[0] and "11:00" not in reply[0]
    assert demo.handoff_reasons(runtime, conversation) == ()


def test_a_better_price_on_the_booked_car_still_pages(runtime: Runtime) -> None:
    shopper = _telluride_booked(runtime, "+18055550406")
    _, conversation = demo.chat(
        runtime, shopper.phone, "is it the telluride? can u knock 2k off it"
    )
    assert demo.handoff_reasons(runtime, conversation) == ("negotiation",)
    assert shopper.standing() == [(TELLURIDE, MONDAY_11)]
