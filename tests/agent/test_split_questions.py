"""A message that asks for vehicles and something else: the other questions are split off."""

from __future__ import annotations

import pytest

from agent.engines.offline.compose import other_questions


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("you got any civics under 25k and do you deliver", "do you deliver"),
        (
            "show me trucks w/ low miles, also what are your hours on sunday",
            "what are your hours on sunday",
        ),
    ],
)
def test_the_other_questions_of_a_search(text: str, rest: str) -> None:
    assert other_questions(text) == rest


@pytest.mark.parametrize(
    "text",
    [
        "whats ur doc fee and do u deliver",  # no vehicles asked for
        "any suvs under 20k",  # one question
    ],
)
def test_no_search_to_split_off(text: str) -> None:
    assert other_questions(text) == text
