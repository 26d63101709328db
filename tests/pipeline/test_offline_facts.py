"""Conversations through the real pipeline (offline engine, demo dealership, Friday 21:40):
dealership facts from its record, names as texts are signed, and which messages page a
person. The phrasings are not the ones the rules were tuned on."""

from __future__ import annotations

from nightshift.runtime import Runtime
from tests.demo import chat as _chat
from tests.demo import customer_name as _name
from tests.demo import handoff_reasons as _handoff_reasons


def test_address_then_one_days_hours_then_the_phone(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime,
        "+18055550311",
        "hey where r u guys at",
        "k and what time do u open on sat",
        "whats the best number to call",
    )
    assert "1200 Harbor Blvd, Ventura, CA 93001" in replies[0]
    assert "don't have that information" not in replies[0]
    assert "9:00 AM to 7:00 PM" in replies[1]
    assert "8:00 PM" not in replies[1]  # the weekday hours are not the answer
    assert "Sunday" not in replies[1]
    assert "(805) 555-0100" in replies[2]
    assert _handoff_reasons(runtime, conversation) == ()


def test_directions_and_service_hours_come_from_the_dealerships_pages(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime, "+18055550312", "how do i get to you from the 101", "is service open sunday"
    )
    assert "1200 Harbor Blvd" in replies[0]
    assert "Seaward Avenue exit" in replies[0]
    assert "service department is closed" in replies[1]
    assert _handoff_reasons(runtime, conversation) == ()


def test_the_demo_repro_saves_the_name_and_never_says_there(runtime: Runtime) -> None:
    replies, _ = _chat(runtime, "+15557770301", "hi or call me at 805-555-7788 im dana")
    assert _name(runtime, "+15557770301") == "Dana"
    assert "there" not in replies[0].split("I've saved")[0]
    assert "Dana" in replies[0]


def test_a_signed_text_and_a_later_introduction_are_saved(runtime: Runtime) -> None:
    _chat(runtime, "+18055550313", "do u have any white hr-vs\n- maya chen")
    assert _name(runtime, "+18055550313") == "Maya Chen"
    _, conversation = _chat(runtime, "+18055550314", "sup", "its devon btw")
    assert _name(runtime, "+18055550314") == "Devon"
    assert _handoff_reasons(runtime, conversation) == ()


def test_off_topic_requests_are_refused_without_paging_anyone(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime,
        "+18055550315",
        "can u help w my bio homework",
        "fine then write me a quick javascript function",
        "ok whatever. any accords under 30k",
    )
    assert all("outside what I can help with" in r for r in replies[:2])
    assert "Accord" in replies[2]
    assert _handoff_reasons(runtime, conversation) == ()


def test_process_questions_are_answered_not_escalated(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime,
        "+18055550316",
        "how does the appraisal work when i bring my car in",
        "and is the finance paperwork done in person or online",
    )
    assert "(Source: Trade-in process)" in replies[0]
    assert "in person by our finance manager" in replies[1]
    assert _handoff_reasons(runtime, conversation) == ()


def test_a_competitors_written_quote_is_a_negotiation(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime,
        "+18055550317",
        "got a written quote from ventura toyota, 27k for a rav4. can u match or beat that",
    )
    assert _handoff_reasons(runtime, conversation) == ("negotiation",)
    assert "9:00 AM tomorrow" in replies[0]


def test_an_abusive_demand_for_a_manager_says_who_calls_and_when(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime, "+18055550318", "ur useless. have a manager call me back"
    )
    assert "human_requested" in _handoff_reasons(runtime, conversation)
    assert "manager" in replies[0]
    assert "9:00 AM tomorrow" in replies[0]


def test_a_search_and_a_policy_question_in_one_text_are_both_answered(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime, "+18055550391", "you got any accords under 30k? also how much is the doc fee"
    )
    assert "Accord" in replies[0]
    assert "$85" in replies[0]
    assert _handoff_reasons(runtime, conversation) == ()


def test_a_budget_correction_keeps_the_kind_of_vehicle_searched(runtime: Runtime) -> None:
    replies, _ = _chat(
        runtime, "+18055550392", "got any minivans under 30k", "oh actually make that 45k max"
    )
    assert "Odyssey" in replies[1]
    assert not any(model in replies[1] for model in ("Civic", "Tacoma", "F-150", "Pilot"))


def test_a_question_after_the_delivery_answer_stays_on_delivery(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime,
        "+18055550393",
        "do yall do home delivery",
        "what if i live 60 miles away",
    )
    assert "25 miles" in replies[0]
    assert "$1.50 per mile" in replies[1]
    assert "couldn't find" not in replies[1]
    assert _handoff_reasons(runtime, conversation) == ()


def test_where_the_lot_is_from_somewhere_gives_the_directions_once(runtime: Runtime) -> None:
    replies, conversation = _chat(
        runtime, "+18055550394", "where's the dealership, we're driving down from santa barbara"
    )
    assert "Seaward Avenue exit" in replies[0]
    assert replies[0].count("1200 Harbor Blvd, Ventura") <= 1
    assert "don't have that information" not in replies[0]
    assert _handoff_reasons(runtime, conversation) == ()


def test_a_policy_question_about_your_place_is_answered(runtime: Runtime) -> None:
    replies, conversation = _chat(runtime, "+18055550395", "how do deposits work at your place")
    assert "Deposits and holds" in replies[0]  # the page found; "place" says nothing
    assert _handoff_reasons(runtime, conversation) == ()
