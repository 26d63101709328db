"""Contextual retrieval: a follow-up question ("do I need to bring anything", "how long does
it take") means little on its own; rewritten with the conversation's topic ("test drive: do I
need to bring anything") it finds the page that answers it.

The topic is kept in the slots (`topic`): the title of the last page that answered, or
"test drive" while one is being arranged. Pure functions; the graph's tool node applies them
to every `search_knowledge` call, whichever engine made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from contracts.dialogue import Slots, SlotUpdate

TEST_DRIVE_TOPIC = "test drive"
# What a booking's reply looks up: what to bring to the drive (the topic stays the drive).
BRING_QUERY = "what to bring for a test drive driver's license insurance"
_BACK_REFERENCE = re.compile(
    r"\b(it|that|this|they|them|those|these|there|anything|something|else|one|ones|too|also"
    r"|same|instead|what about|how about|and if|if i|if im|if i'm|if we"
    # the shopper's own circumstance, told after an answer: "i live in denver", "im from palmer"
    r"|(?:i|we) (?:live|stay|reside)|(?:i'?m|i am|we'?re|we are) (?:in|from|out in|over in))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9']+")
# words that say nothing about what a question is about
_HOLLOW = frozenset(
    re.split(
        r"\s+",
        """a an the i im i'm me my we us our you u ur your yall y'all do does did doing done is are
    was were be been am can could would will should shall may might must have has had having
    need needs get gets got go going take takes took it its it's that thats that's this these
    those they them there what whats what's wat how when where why who which any anything
    something else long much many to of for on in at by with about if and or so too also just
    really still ok okay hey hi pls please thanks thx same one ones need bring come should
    allowed ok lol like kind sort""".strip(),
    )
)


def is_follow_up(question: str) -> bool:
    """True when `question` leans on what was said before: it points back ("it", "that",
    "anything", "what about") or has (almost) no word of its own about a subject."""
    words = _WORD.findall(question.lower())
    if not words:
        return False
    own = [w for w in words if w not in _HOLLOW and len(w) > 2]
    return not own or (bool(_BACK_REFERENCE.search(question)) and len(own) <= 3)


# "and u store tires?", "also loaners?", "do you do alignments too?": joined to the last answer
_JOINED = re.compile(
    r"^\W*(?:and|also|plus|n|what about|how about)\b|\b(?:too|also|as well)\W*$", re.IGNORECASE
)


def joins_last_answer(question: str) -> bool:
    """True when a short question is joined to the answer before it ("and u store tires?",
    "do you do alignments too?"): asked of the same place, whatever it names."""
    words = _WORD.findall(question.lower())
    own = [w for w in words if w not in _HOLLOW and len(w) > 2]
    return bool(_JOINED.search(question)) and 0 < len(own) <= 4


# "what about the silverado", "and the tacoma?", "same for the civic": the last question again
_SAME_QUESTION = re.compile(
    r"^\W*(?:(?:ok|okay|k|so|hmm|and|n)\W+)*(?:what|how|wbu|whats|what's)\s+(?:about|abt|bout)\b"
    r"|^\W*(?:and|n)\s+(?:the|that|this|your|ur|a|an)\b"
    r"|\bsame (?:for|with|on|goes for|question for)\b",
    re.IGNORECASE,
)


# ... unless it asks its own ("what about the silverado, how much is it")
_OWN_QUESTION = re.compile(
    r"\b(?:how|price|priced|cost|costs|miles|mileage|available|color|colou?r|payments?|when"
    r"|where|why|who|which|does|do|is|are|can|has|have)\b|\bwhat(?!\s+(?:about|abt|bout)\b)",
    re.IGNORECASE,
)


def asks_the_same(question: str) -> bool:
    """True when a short message asks the last question again of something else ("what about
    the silverado", "and the tacoma?", "same for the civic"): the question carries over."""
    lead = _SAME_QUESTION.search(question)
    if lead is None or len(_WORD.findall(question)) > 8:
        return False
    rest = question[: lead.start()] + " " + question[lead.end() :]
    return not _OWN_QUESTION.search(rest)


def standalone_query(question: str, topic: str | None) -> str:
    """The question with the conversation's topic in front when it is a follow-up (and the
    topic is not already named); the question unchanged otherwise."""
    if not topic or not is_follow_up(question):
        return question
    if set(_WORD.findall(topic.lower())) <= set(_WORD.findall(question.lower())):
        return question
    return f"{topic}: {question}"


def topic_of(slots: Slots) -> str | None:
    """What the conversation is about, for a follow-up question."""
    return slots.get("topic") or None


def search_in_context(
    search: Callable[[dict[str, Any]], dict[str, Any]],
    args: dict[str, Any],
    slots: Slots,
) -> dict[str, Any]:
    """Run `search` (the knowledge tool) for `args`, a follow-up as its standalone rewrite.
    The result says which query was searched (`query`) when it was not the one asked. (A
    plain question that finds nothing is not retried with the topic: "do you sell boats"
    during a test-drive talk must stay unanswered, not get the test-drive page.) With no
    topic yet, a returning shopper's follow-up ("anything i need to bring?") is about the
    drive of theirs that stands (`agent.standing`)."""
    query = str(args.get("query") or "")
    standing = TEST_DRIVE_TOPIC if slots.get("appointment_id") else None
    rewritten = standalone_query(query, topic_of(slots) or standing)
    if rewritten == query:
        return search(args)
    return {**search({**args, "query": rewritten}), "query": rewritten}


def topic_update(name: str, result: Mapping[str, Any]) -> SlotUpdate:
    """The topic a tool result sets: the page that answered, or the test drive in hand."""
    if name == "search_knowledge":
        if result.get("query") == BRING_QUERY:
            return {"topic": TEST_DRIVE_TOPIC}  # what to bring to the drive just booked
        passages = result.get("passages") or []
        if passages and not result.get("weak") and passages[0].get("title"):
            return {"topic": str(passages[0]["title"])}
        return {}
    if name == "dealership_info" and result.get("topic") in ("directions", "parking"):
        return {"topic": "directions and parking"}  # "can i take the light rail instead"
    if name == "dealership_info" and result.get("department") not in (None, "sales"):
        return {"topic": str(result["department"])}  # "is there a shuttle" after service hours
    if name in ("check_availability", "book_test_drive", "reschedule_test_drive"):
        return {"topic": TEST_DRIVE_TOPIC}
    return {}
