"""Opt-out in plain words: the detector is judged on phrasings it was not tuned on.

TUNED are the phrases the detector was written against (the issue's); HELD_OUT were written
before the detector and never used while writing it: the score on them is the real one.
"""

from __future__ import annotations

import pytest

from nightshift.conversation import compliance
from signals.outreach_opt_out import opts_out

TUNED_YES = [
    "stop texting me",
    "remove me",
    "unsubscribe",
    "please don't text me anymore",
    "take me off your list",
]
TUNED_NO = ["stop by tomorrow", "can you text me the price", "I want to stop paying so much"]
# A second unseen round, measured before the detector was touched again (7 of 10 found,
# 1 of 8 false alarm: "take me off the waitlist"), then tuned on: now part of the tuning set.
TUNED_YES += [
    "cease all communication",
    "you can stop the texts now",
    "i dont want any more texts",
    "pls stop contacting me",
]
TUNED_NO += ["can you take me off the waitlist for the civic and put me on the accord one"]
# A third round (written by the lead, not by the detector's author): 23 of 24 opt-outs and
# 0 of 13 false alarms; the miss ("no thanks, please don't text again": no "me") was then
# tuned on.
TUNED_YES += ["no thanks, please don't text again"]
UNSEEN_YES = [
    "please stop messaging me",
    "don't contact me again",
    "not interested, take me off your list",
    "lose my number",
    "stop sending me these",
    "do not text this number",
    "I don't want any more messages",
    "wrong number, stop texting",
    "never text me again",
    "Stop. Thanks",
]
UNSEEN_NO = [
    "can I stop in saturday",
    "will the price drop stop soon",
    "don't forget to send me the link",
    "is there a stop/start feature",
    "I'm done paying rent on a lease, want to buy",
    "don't send the paperwork again",
    "can you text again later",
]

HELD_OUT_YES = [
    "Stop messaging me please",
    "quit texting this number",
    "I'd like to opt out",
    "No more texts thanks",
    "take my number off your list",
    "Do not contact me again.",
    "please stop sending me these messages",
    "leave me alone",
    "unsub",
    "remove this number",
    "Not interested. STOP",
    "dont ever text me again!!",
]
HELD_OUT_NO = [
    "can you stop by at 5?",
    "text me when it's ready",
    "I'm trying to stop smoking lol",
    "don't forget to message me the address",
    "Please send me a message with the price",
    "can you remove the roof rack?",
    "take me for a test drive saturday",
    "no more than 30k miles please",
    "I stopped by yesterday",
    "Message me the trade-in value",
    "I don't want to stop by if it's sold",
    "don't call me, text me instead",
]


@pytest.mark.parametrize("text", TUNED_YES + HELD_OUT_YES + UNSEEN_YES)
def test_a_plain_words_opt_out_is_recognised(text: str) -> None:
    assert opts_out(text)
    assert compliance.keyword(text) == "stop"  # and answered as STOP, before the assistant


@pytest.mark.parametrize("text", TUNED_NO + HELD_OUT_NO + UNSEEN_NO)
def test_an_ordinary_message_is_not_an_opt_out(text: str) -> None:
    assert not opts_out(text)
    assert compliance.keyword(text) is None


def test_the_whole_message_keywords_still_work() -> None:
    assert compliance.keyword("STOP") == "stop"
    assert compliance.keyword("help") == "help"
    assert compliance.keyword("start") == "start"
