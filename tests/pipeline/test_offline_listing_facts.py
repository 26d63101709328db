"""A first question that names a model and asks a fact ("does the passport trailsport have
all terrain tires"), through the real pipeline (offline engine, demo dealership): the fact for
the car that matches, from its listing, not a plain list; a trim said with an English-word
model finds it; a towing number is compared with a written rating, never a hitch.

Phrasings here are not those of the gap conversations (evals/gaps-*.yaml)."""

from __future__ import annotations

from nightshift.runtime import Runtime
from tests.demo import chat, handoff_reasons


def test_a_fact_asked_of_a_named_model_is_answered_for_it(runtime: Runtime) -> None:
    replies, conversation = chat(
        runtime, "+18055550471", "does the passport trailsport have all terrain tires", "awd?"
    )
    assert "all-terrain tires" in replies[0] and "N26113" in replies[0]
    assert "Here's what we have" not in replies[0]
    assert "i-VTM4 AWD" in replies[1]  # "it" is still the Passport
    assert handoff_reasons(runtime, conversation) == ()


def test_a_fact_not_listed_for_a_named_model_is_said_so(runtime: Runtime) -> None:
    replies, conversation = chat(runtime, "+18055550472", "is the ridgeline a diesel")
    assert "N26115" in replies[0]
    assert "doesn't mention" in replies[0] or "don't see" in replies[0]
    assert handoff_reasons(runtime, conversation) == ()


def test_a_trim_with_an_english_word_model_finds_it(runtime: Runtime) -> None:
    replies, _ = chat(runtime, "+18055550473", "what does the prologue touring cost")
    assert "N26117" in replies[0]


def test_a_tow_number_is_not_answered_by_a_tow_package(runtime: Runtime) -> None:
    replies, conversation = chat(
        runtime, "+18055550474", "whats the f-150 you have", "could it tow 12k"
    )
    assert "Yes" not in replies[1]
    assert "12,000" in replies[1]
    assert handoff_reasons(runtime, conversation) == ()
