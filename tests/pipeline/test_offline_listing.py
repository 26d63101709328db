"""Questions about a vehicle's own listing, through the real pipeline (offline engine, demo
dealership, Friday 21:40): yes/no features answered from the listing, a fact not listed said
to be not listed with a page only when the shopper wants one, and another vehicle named after
an "ok" is a new question, not a yes."""

from __future__ import annotations

from crm_store import appointments, dealerships
from nightshift.runtime import Runtime
from tests.demo import SLUG, chat, handoff_reasons


def test_features_of_the_vehicle_in_focus_come_from_its_listing(runtime: Runtime) -> None:
    replies, conversation = chat(
        runtime,
        "+18055550401",
        "got any subaru outbacks",
        "does it have eyesight",
        "heated seats and carplay?",
    )
    assert "Outback" in replies[0]
    assert replies[1].startswith("Yes")
    assert "EyeSight driver assist" in replies[1]
    assert "U2306" in replies[1]
    assert "heated front seats" in replies[2]
    assert (
        "doesn't mention Apple CarPlay" in replies[2]
        or "Apple CarPlay in the listing" in (replies[2])
    )
    assert handoff_reasons(runtime, conversation) == ()  # nothing paged unasked


def test_a_fact_not_listed_pages_only_when_the_shopper_wants_it_checked(runtime: Runtime) -> None:
    replies, conversation = chat(
        runtime, "+18055550402", "is the outback still available", "any sunroof on it"
    )
    assert "moonroof" in replies[1]
    assert "Yes" not in replies[1]
    assert handoff_reasons(runtime, conversation) == ()
    replies, conversation = chat(runtime, "+18055550402", "yes please")
    assert handoff_reasons(runtime, conversation) == ("unanswered",)


def test_the_listing_saying_otherwise_is_a_no(runtime: Runtime) -> None:
    replies, _ = chat(runtime, "+18055550403", "whats the f-150 you have", "is it a v8")
    assert replies[1].startswith("No")
    assert "V6" in replies[1]
    assert "U2304" in replies[1]


def test_a_named_truck_among_those_shown_is_asked_about(runtime: Runtime) -> None:
    replies, _ = chat(
        runtime, "+18055550404", "any trucks under 45k", "does the tacoma have a locker"
    )
    assert "locking rear differential" in replies[1]
    assert "U2303" in replies[1]


def test_ok_then_another_model_is_a_new_question_not_a_yes(runtime: Runtime) -> None:
    replies, _ = chat(runtime, "+18055550405", "is the rav4 still for sale", "ok what about a cx-5")
    assert "sold" in replies[0]
    assert "CX-5" in replies[1]
    assert "$" in replies[1]
    assert "Which" not in replies[1]  # no test-drive times offered for a yes never given
    with runtime.store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        assert appointments.list_appointments(uow, dealership_id=dealer.id) == []


def test_the_cheapest_one_is_the_cheapest_of_all_that_matched(runtime: Runtime) -> None:
    # five Civics match, three are shown ("+2 more"): the cheapest is C2202 ($23,995), which
    # may not be among the three shown
    replies, _ = chat(runtime, "+18055550406", "got any civics?", "ok whats the cheapest one")
    assert "more" in replies[0]
    assert "C2202" in replies[1]
    assert "23,995" in replies[1]


def test_a_superlative_in_a_search_orders_it(runtime: Runtime) -> None:
    replies, _ = chat(runtime, "+18055550407", "what's the newest pilot you've got")
    assert "N26111" in replies[0]  # the 2026 one, not the certified 2022


def test_two_models_in_one_message_are_both_searched(runtime: Runtime) -> None:
    replies, _ = chat(runtime, "+18055550408", "do you have a pilot or an odyssey in stock")
    assert "Pilot" in replies[0]
    assert "Odyssey" in replies[0]


def test_a_short_question_is_about_the_vehicle_in_focus(runtime: Runtime) -> None:
    replies, conversation = chat(
        runtime, "+18055550409", "tell me about stock U2305", "and the price?", "miles on it"
    )
    assert "$" in replies[1]
    assert "U2305" in replies[1]
    assert " mi" in replies[2]
    assert handoff_reasons(runtime, conversation) == ()
