"""Conversations through the real pipeline (offline engine, demo world): follow-ups point at
the vehicles just shown ("the cheapest one", "the second one", "it"), several that fit are
named in a question, a model not in stock gets the closest available ones, and a follow-up
question is answered from the conversation's topic without a needless handoff."""

from __future__ import annotations

from contracts.messages import InboundMessage
from crm_store import handoffs
from nightshift.runtime import Runtime
from tests.demo import SLUG


class Chat:
    def __init__(self, runtime: Runtime, phone: str) -> None:
        self.runtime, self.phone, self.conversation_id = runtime, phone, 0

    def say(self, text: str) -> str:
        result = self.runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", self.phone, text))
        self.conversation_id = result.conversation_id
        return " ".join(r.body for r in result.replies)

    def slots(self) -> dict[str, object]:
        config = {"configurable": {"thread_id": str(self.conversation_id)}}
        return dict(self.runtime.graph.get_state(config).values.get("slots", {}))

    def handoff_reasons(self) -> tuple[str, ...]:
        with self.runtime.store.reading() as uow:
            live = handoffs.live_for_conversation(uow, conversation_id=self.conversation_id)
        return tuple(live.reasons) if live else ()


def test_the_cheapest_one_then_it(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550301")
    shown = chat.say("hey do you guys have any used trucks under 30k")
    assert "U2303" in shown and "U2304" in shown and "U2307" in shown
    mileage = chat.say("whats the mileage on the cheapest one")
    assert "61,200" in mileage and "U2307" in mileage  # the Silverado, $33,995
    times = chat.say("can i come see it tomorrow")
    assert "Silverado" in times and "AM" in times
    assert chat.slots()["vehicle_of_interest"] == "U2307"


def test_it_among_three_asks_which_then_books_the_one_named(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550302")
    chat.say("any used pickups")
    which = chat.say("can i take it for a spin saturday")
    assert "Tacoma" in which and "F-150" in which and "Silverado" in which and "?" in which
    times = chat.say("the ford")
    assert "F-150" in times and "Saturday" in times
    assert chat.slots()["vehicle_of_interest"] == "U2304"


def test_ordinals_and_facts_of_the_list_shown(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550303")
    chat.say("got any minivans")  # Odyssey N26114, Sienna U2317, Odyssey C2207
    second = chat.say("how much is the 2nd one")
    assert "$37,495" in second and "U2317" in second
    newest = chat.say("which one is newest")
    assert "N26114" in newest
    other = Chat(runtime, "+18055550313")
    other.say("got any minivans")
    which = other.say("what about the honda")
    assert "2026 Odyssey" in which and "2021 Odyssey" in which
    older = other.say("the older one")
    assert "C2207" in older and "$29,495" in older


def test_a_model_not_carried_gets_the_closest_available(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550304")
    reply = chat.say("do u have a highlander")
    assert "similar vehicles?" not in reply
    assert "Highlander" in reply and "C2208" in reply and "$30,995" in reply  # a Passport
    picked = chat.say("the second one, is it awd")
    assert "U2312" in picked  # the Telluride listed second


def test_a_sold_model_gets_alternatives_and_the_cheapest_of_them(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550305")
    reply = chat.say("any rav4s?")
    assert "sold" in reply and "U2313" in reply and "$22,995" in reply
    cheapest = chat.say("whats the cheapest one")
    assert "U2313" in cheapest and "31,420" in cheapest


def test_a_follow_up_question_is_answered_from_the_topic(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550306")
    chat.say("can i test drive the f150 sat morning")
    bring = chat.say("do i need to bring anything")
    assert "license" in bring.lower()
    long = chat.say("how long does it take")
    assert "30 minutes" in long
    assert chat.handoff_reasons() == ()


def test_an_old_checkpoint_without_typed_vehicles_still_resolves(runtime: Runtime) -> None:
    chat = Chat(runtime, "+18055550307")
    chat.say("any used trucks under 30k")
    config = {"configurable": {"thread_id": str(chat.conversation_id)}}
    runtime.graph.update_state(config, {"slots": {"shown_vehicles": None}})
    assert "shown_vehicles" not in chat.slots() and chat.slots()["vehicles_shown"]
    reply = chat.say("hows the mileage on the oldest one")
    assert "61,200" in reply and "U2307" in reply
