"""The offline engine: deterministic, no network, no keys; a real engine judged by the same
scenarios as a chat model.

It works like a tool-calling model: on the shopper's message it plans tool calls (`plan`), and
once their results are in it either plans more or writes the reply from templates (`compose`).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent import followups, prompts
from agent.context import AgentDeps, TurnContext
from agent.dialogue import shown_updates
from agent.engines import EngineStep
from agent.engines.offline import compose, facts_replies
from agent.engines.offline import formatting as fmt
from agent.engines.offline.cache import CachedEmbedder
from agent.engines.offline.intents import (
    HANDOFF_INTENTS,
    REASON_INTENTS,
    EmbedderLike,
    IntentClassifier,
)
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding, understand
from agent.engines.offline.vehicle_replies import which_one_text
from agent.nlu import timewords as tw
from agent.nlu.vehicles import VehicleQuery
from agent.nlu.when import TimeRequest
from agent.state import AgentState
from crm_store import dealerships

Call = tuple[str, dict[str, Any]]


class OfflineEngine:
    name = "offline"

    def __init__(self, deps: AgentDeps, embedder: EmbedderLike) -> None:
        self.deps = deps
        self.embedder = CachedEmbedder(embedder)
        self.classifier = IntentClassifier(embedder)

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep:
        messages = state.get("messages", [])
        slots = dict(state.get("slots") or {})
        turn = _this_turn(messages)
        human = turn[0]
        assert isinstance(human, HumanMessage)
        results = [
            (m.name or "", json.loads(str(m.content))) for m in turn if isinstance(m, ToolMessage)
        ]
        calls_so_far = [c for m in turn if isinstance(m, AIMessage) for c in m.tool_calls]
        meaning = self._understand(human.text, slots, ctx)
        if _unpicked(slots, []):  # "ok. do i need to bring anything": asked in the booking talk
            rest = _AGREEMENT.sub("", meaning.text)
            meaning = replace(meaning, text=f"{rest} for the test drive" if rest else rest)
        if not results:
            step = self._plan(meaning, slots, ctx)
        else:
            follow_up = compose.follow_up(meaning, slots, results, calls_so_far)
            if follow_up:
                return _calls(follow_up, {}, f"{ctx.turn}_{len(turn)}")
            text, updates = compose.reply(meaning, slots, results, ctx, self.deps, self.embedder)
            step = EngineStep(AIMessage(content=text), updates)
        if not step.message.tool_calls and _unpicked(slots, results):
            step = _ask_which(step, slots, ctx)
        if meaning.photos and not step.message.tool_calls:
            thanks = prompts.render("photo_thanks", f"{ctx.conversation_id}:{ctx.turn}")
            step = EngineStep(AIMessage(content=f"{thanks} {step.message.text}"), step.slots)
        return step

    def _understand(self, text: str, slots: dict[str, Any], ctx: TurnContext) -> Understanding:
        snapshot = self.deps.inventory.get(ctx.dealership_id)
        inventory, vocabulary = list(snapshot.vehicles), snapshot.vocabulary
        now = self.deps.clock.now().astimezone(ZoneInfo(ctx.timezone))
        with self.deps.store.reading() as uow:
            hours = dealerships.get_dealership_by_id(uow, dealership_id=ctx.dealership_id).hours
        return understand(
            text,
            now=now,
            classifier=self.classifier,
            vocabulary=vocabulary,
            inventory=inventory,
            slots=slots,
            hours=hours,
        )

    def _plan(self, m: Understanding, slots: dict[str, Any], ctx: TurnContext) -> EngineStep:
        intent = "photo_only" if m.photos and not m.text.strip() else _refine(m, slots)
        said = m.raw or m.text  # the rules in code judge what was sent, as the pipeline does
        reasons = self.deps.escalation(said) if self.deps.escalation and said else ()
        if reasons and reasons[0] in REASON_INTENTS:
            intent = REASON_INTENTS[reasons[0]]  # the rules in code decide a handoff
        # "where are you located", "hours on saturday": from the dealership record
        fact_calls, other_questions = (
            facts_replies.asks(
                m.text, m.when, after_facts=slots.get("last_intent") == "dealership_info"
            )
            if _may_ask_facts(intent, m)
            else ([], [])
        )
        if fact_calls:
            intent = "dealership_info"
        tag = f"{ctx.turn}_0"
        updates: dict[str, Any] = {"last_intent": intent, **_facts(m, intent)}
        # homework, code and essays are declined (`off_topic`), never counted; a shopper
        # giving their name ("its lena park") is understood
        if intent == "out_of_scope" and not m.contact:
            count = int(slots.get("misunderstandings", 0)) + 1
            updates["misunderstandings"] = count
            if count >= 2:
                return _calls(
                    [
                        (
                            "request_human",
                            {
                                "reason": "unanswered",
                                "note": "Two messages in a row the assistant could not understand.",
                            },
                        )
                    ],
                    {**updates, "misunderstandings": 0},
                    tag,
                )
        else:
            updates["misunderstandings"] = 0
        if intent == "test_drive" and _unpicked(slots, []):
            # "perfect. do i need to bring anything" to three offered times: no pick. The
            # question is answered; `respond` then asks which time.
            intent = "knowledge" if _QUESTION.search(m.text) else "slot_which"
            updates["last_intent"] = intent
            if intent == "slot_which":
                return EngineStep(AIMessage(content=""), updates)
        if m.candidates and not m.reference and intent in ("vehicle_details", "test_drive"):
            return _which_one(m, intent, updates, ctx)  # "it" among three shown: ask which
        calls: list[Call] = []
        if m.contact and intent not in DECLINE_INTENTS:  # a manipulative message is not acted on
            calls.append(("capture_lead", dict(m.contact)))
        if intent in HANDOFF_INTENTS:
            note = f"Shopper wrote: {said[:160]}"
            calls.append(("request_human", {"reason": HANDOFF_INTENTS[intent], "note": note}))
        elif intent == "knowledge":
            # "any hondas under 20k and whats ur doc fee": the vehicles asked for are searched,
            # and the message's other questions are looked up in the knowledge
            rest = compose.other_questions(m.text) if not m.query.is_empty() else m.text
            if rest != m.text:
                calls.append(("search_inventory", _search_args(m.query)))
            calls.append(("search_knowledge", {"query": rest}))
            # "whats ur doc fee and do u deliver": each question looked up on its own too
            calls += [("search_knowledge", {"query": q}) for q in compose.more_questions(rest)]
        elif intent == "dealership_info":  # and the message's other questions, if any
            calls += fact_calls + [("search_knowledge", {"query": q}) for q in other_questions]
        elif intent == "price_hold":  # no promise, but how a vehicle is really held
            calls.append(("search_knowledge", {"query": compose.HOLD_QUERY}))
        elif intent == "inventory_search" and not m.query.is_empty():
            args = _corrected_search(m, slots.get("search"))
            updates["search"] = args  # kept: a correction ("i meant under 25k") refines it
            calls.append(("search_inventory", args))
        elif intent == "vehicle_details":
            stock = m.reference or slots.get("vehicle_of_interest")
            if stock:
                calls.append(("get_vehicle", {"stock": stock}))
            elif not m.query.is_empty():
                calls.append(("search_inventory", _search_args(m.query)))
            # else: which vehicle? ("how much is it" with none under discussion)
        elif intent == "test_drive":
            calls += self._test_drive(m, slots, ctx, updates)
        elif intent == "reschedule":
            calls += self._reschedule(m, slots, ctx, updates)
        elif intent == "cancel":
            calls.append(("cancel_test_drive", {}))
        if calls:
            return _calls(calls, updates, tag)
        text, more = compose.direct(intent, m, slots, ctx, self.deps)
        return EngineStep(AIMessage(content=text), {**updates, **more})

    def _test_drive(
        self, m: Understanding, slots: dict[str, Any], ctx: TurnContext, updates: dict[str, Any]
    ) -> list[Call]:
        stock = m.reference or slots.get("vehicle_of_interest")
        if not stock and not m.query.is_empty():
            return [("search_inventory", _search_args(m.query))]
        if not stock:
            updates["pending"] = "ask_vehicle"
            _remember_time(m.when, updates)
            return []
        when = _with_context(m, slots)
        if when.day and not when.at:
            updates["requested_day"] = when.day.isoformat()
        return [compose.test_drive_call(stock, when)]

    def _reschedule(
        self, m: Understanding, slots: dict[str, Any], ctx: TurnContext, updates: dict[str, Any]
    ) -> list[Call]:
        when = _with_context(m, slots)
        if when.day and not when.at and _SAME_TIME.search(m.text) and slots.get("appointment_time"):
            # "move it to saturday same time"
            at = time.fromisoformat(slots["appointment_time"])
            when = TimeRequest(day=when.day, at=at, earliest=None, latest=None)
        if when.at and not when.day and slots.get("appointment_day"):
            when = TimeRequest(
                day=date.fromisoformat(slots["appointment_day"]),
                at=when.at,
                earliest=None,
                latest=None,
            )
        if when.day and when.at:
            starts = datetime.combine(when.day, when.at).strftime("%Y-%m-%dT%H:%M")
            return [("reschedule_test_drive", {"starts_at": starts})]
        stock = slots.get("vehicle_of_interest")
        if when.day and stock:
            updates["requested_day"] = when.day.isoformat()
            updates["rescheduling"] = True
            return [("check_availability", {"stock": stock, "date": when.day.isoformat()})]
        updates["pending"] = "ask_reschedule_time"
        return []


_CLOSING = re.compile(
    r"\b(thx|thanks|thank you|thank u|ty|tysm|bye|good ?night|nvm|never ?mind|no thanks"
    r"|just looking|maybe later)\b",
    re.IGNORECASE,
)
_ABOUT_A_VEHICLE = re.compile(
    r"\b(price|priced|cost|costs|how much|available|availability|in stock|still (there|have|got)"
    r"|miles|mileage)\b",
    re.IGNORECASE,
)
_SAME_TIME = re.compile(r"\b(same|usual) time\b", re.IGNORECASE)
_NOT_FACTS = frozenset({"open_now", "ai_disclosure", "cancel", "reschedule", "photo_only"})


def _may_ask_facts(intent: str, m: Understanding) -> bool:
    """Whether a question about the dealership's address, phone or hours may be answered from
    its record: not a handoff, a refusal or a booking ("what time can I drive it saturday")."""
    return (
        intent not in HANDOFF_INTENTS
        and intent not in DECLINE_INTENTS
        and intent not in _NOT_FACTS
        and not (m.wants_test_drive and facts_replies.BOOKING.search(m.text))
    )


def _changes_booking(m: Understanding, slots: dict[str, Any]) -> bool:
    """With a drive booked, a correction of its time or day ("actually make it 6", "no wait,
    saturday") or a new day at the same time ("can we do saturday same time") moves it."""
    if not slots.get("appointment_id") or m.when.is_empty():
        return False
    if m.reference and m.reference != slots.get("vehicle_of_interest"):
        return False  # another car: another drive
    return bool(tw.CORRECTION.search(m.text) or (m.when.day and _SAME_TIME.search(m.text)))


def _refine(m: Understanding, slots: dict[str, Any]) -> str:
    """Let context and entities sharpen the classifier's guess."""
    intent = m.intent
    pending = slots.get("pending")
    if m.by == "rule" or intent in HANDOFF_INTENTS:
        if intent == "reschedule" and not slots.get("appointment_id") and m.when.at:
            return "test_drive"
        if intent == "reschedule" and not slots.get("appointment_id") and m.when.is_empty():
            return "knowledge"  # "can i take the light rail instead": nothing to move
        return intent
    if _changes_booking(m, slots):  # "actually make it 6", "saturday same time": a move
        return "reschedule"
    if (slots.get("heard") or {}).get("picked") and intent not in ("cancel", "reschedule"):
        # "the earlier one", "first one", "the 6": one of the offered times, picked
        return "reschedule" if slots.get("rescheduling") else "test_drive"
    has_time = not m.when.is_empty()
    if pending == "ask_reschedule_time" and has_time:
        return "reschedule"
    if slots.get("rescheduling") and has_time and slots.get("offered_slots"):
        return "reschedule"
    if has_time and (
        m.wants_test_drive
        or pending in ("slot_choice", "ask_time", "offer_test_drive", "ask_vehicle")
        or intent == "test_drive"
    ):
        return "test_drive"
    asks_about = _asks_about_shown(m) and not m.wants_test_drive
    if asks_about and pending not in ("ask_vehicle", "slot_choice"):  # "ok, the 2nd one how much"
        return "vehicle_details"
    if _topic_follow_up(m, slots):  # "is that free?" after the home delivery answer
        return "knowledge"
    closing = bool(_CLOSING.search(m.text))  # "ok thx 👍" closes the chat, accepts nothing
    if m.affirmative and pending in ("offer_test_drive", "slot_choice") and not closing:
        return "test_drive"
    if pending == "ask_vehicle" and (m.reference or not m.query.is_empty()):
        return "test_drive"
    if pending == "which_vehicle" and m.reference:  # "the tacoma", answering which one
        return "vehicle_details"
    if _picks_shown(m, intent):  # "which is newest", "the 2nd one?": one of those just shown
        return "vehicle_details"
    if intent == "knowledge" and m.query.model and _ABOUT_A_VEHICLE.search(m.text):
        return "vehicle_details"  # "whats the price of the ranger": about the trucks in stock
    if intent == "test_drive" and not has_time and not m.wants_test_drive:
        intent = "vehicle_details" if m.reference else intent
    # Nothing like it in the examples, but a short ask for vehicles ("any EVs?? 🔌"): a search.
    # A longer unknown question about one ("how much can the tundra tow?") stays a question.
    asks_for_list = m.by == "fallback" and (_wants_list(m) or len(m.text.split()) <= 3)
    if intent in ("greeting", "small_talk", "out_of_scope", "contact_details") or asks_for_list:
        if not m.query.is_empty() and not m.contact:
            return "vehicle_details" if m.reference and not _wants_list(m) else "inventory_search"
        if m.reference and intent == "out_of_scope":
            return "vehicle_details"
    if intent == "contact_details" and not m.contact:
        return "small_talk"
    return intent


_SPANISH = re.compile(
    r"\b(hola|gracias|quiero|tienen|usted|cuánto|cuanto|precio|carro|coche|camioneta|"
    r"prueba de manejo|buenas|por favor|habla|español)\b",
    re.IGNORECASE,
)


def _facts(m: Understanding, intent: str) -> dict[str, Any]:
    """What the shopper told us about themselves, kept for the salesperson's summary."""
    facts: dict[str, Any] = {}
    if intent == "trade_in_valuation":
        facts["trade_in"] = m.text[:200]
    if intent == "financing_application":
        facts["financing"] = m.text[:200]
    if m.query.price_max:
        facts["budget"] = m.query.price_max
    if _SPANISH.search(m.text):
        facts["language"] = "es"
    return facts


def _wants_list(m: Understanding) -> bool:
    return compose.asks_for_list(m.text)


def _with_context(m: Understanding, slots: dict[str, Any]) -> TimeRequest:
    """Fill a bare time ("10 works") with the day under discussion or an offered slot."""
    when = m.when
    picked = (slots.get("heard") or {}).get("picked")  # "first one", "yes" to a single time
    if picked and not (when.day and when.at):
        moment = datetime.fromisoformat(picked)
        return TimeRequest(day=moment.date(), at=moment.time(), earliest=None, latest=None)
    if when.at and not when.day:
        for offered in slots.get("offered_slots", []):
            moment = datetime.fromisoformat(offered)
            if moment.time() == when.at:
                return TimeRequest(day=moment.date(), at=when.at, earliest=None, latest=None)
        if slots.get("requested_day"):  # a rough "like 6" stays rough: times around it
            return replace(when, day=date.fromisoformat(slots["requested_day"]))
    return when


_AGREEMENT = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|k|perfect|great|cool|awesome|nice|yes|yeah|yep|sure|sounds good"
    r"|thanks|thank you|thx|alright)\b\W*)+",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|^(?:do|does|did|what|whats|what's|how|where|when|is|are|can|could|should|will|who"
    r"|which|any)\b",
    re.IGNORECASE,
)


def _unpicked(slots: dict[str, Any], results: list[tuple[str, dict[str, Any]]]) -> bool:
    """ "ok"/"perfect" to several offered times and nothing booked: a time must be asked."""
    tried = any(n in ("book_test_drive", "reschedule_test_drive") for n, _ in results)
    return bool((slots.get("heard") or {}).get("ambiguous")) and not tried


def _ask_which(step: EngineStep, slots: dict[str, Any], ctx: TurnContext) -> EngineStep:
    """The reply, then the question which of the offered times to book."""
    offered = list((slots.get("heard") or {}).get("offered") or [])
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    which = prompts.render("which_time", seed, times=fmt.times_list(offered))
    text = f"{step.message.text} {which}".strip()
    updates = {**step.slots, "offered_slots": offered, "pending": "slot_choice"}
    return EngineStep(AIMessage(content=text), updates)


def _asks_about_shown(m: Understanding) -> bool:
    """A question about one of the vehicles just shown, picked by a fact or position ("ok
    whats the cheapest of those"), or by a description with a question about it ("the white
    one, whats the mileage"): not a yes to an offered test drive."""
    if m.referred_by in ("superlative", "ordinal"):
        return True
    return m.referred_by == "description" and bool(_ABOUT_A_VEHICLE.search(m.text))


def _topic_follow_up(m: Understanding, slots: dict[str, Any]) -> bool:
    """Right after a knowledge answer, a follow-up that names no vehicle ("is that free?",
    "and how long is it") continues that topic rather than asking about the car in focus."""
    # "how much if im like 45 miles out" with no vehicle in sight: about the topic, not a car
    no_vehicle = not m.referred_by and not slots.get("vehicle_of_interest")
    return (
        m.intent == "vehicle_details"
        and slots.get("last_intent") == "knowledge"
        and m.referred_by in ("", "pronoun", "context")
        and m.query.is_empty()
        and (no_vehicle or not _ABOUT_A_VEHICLE.search(m.text))
        and followups.topic_of(slots) is not None
        and followups.is_follow_up(m.text)
    )


def _picks_shown(m: Understanding, intent: str) -> bool:
    """A question that picks one of the vehicles just shown by a fact or position ("which is
    cheapest", "the second one?"), or by a description when nothing else was understood."""
    if m.referred_by in ("superlative", "ordinal"):
        picks = ("knowledge", "out_of_scope", "small_talk", "greeting", "inventory_search")
        return intent in picks and not (intent == "inventory_search" and _wants_list(m))
    if m.referred_by == "description" or (m.referred_by == "pronoun" and m.candidates):
        # "what about the honda", "is it 4wd" (three shown): those shown, not a new list
        asks = ("out_of_scope", "small_talk", "greeting", "inventory_search")
        about_one = intent == "knowledge" and m.by == "fallback" and not m.query.is_empty()
        return (intent in asks or about_one) and not _wants_list(m)  # "is it 4wd"
    return False


def _which_one(
    m: Understanding, intent: str, updates: dict[str, Any], ctx: TurnContext
) -> EngineStep:
    """Several vehicles just shown fit: name them and ask, keeping what was asked for."""
    updates["pending"] = "ask_vehicle" if intent == "test_drive" else "which_vehicle"
    updates.update(shown_updates(m.candidates))  # the answer picks among these ("the older one")
    _remember_time(m.when, updates)
    text = which_one_text(m.candidates, f"{ctx.conversation_id}:{ctx.turn}")
    return EngineStep(AIMessage(content=text), updates)


def _remember_time(when: TimeRequest, updates: dict[str, Any]) -> None:
    if when.day:
        updates["requested_day"] = when.day.isoformat()


_CORRECTION = re.compile(
    r"\b(?:i meant|i mean|meant|sorry|actually|instead|rather|make (?:it|that)|change (?:it|that)"
    r"|what about|how about|same but|but)\b",
    re.IGNORECASE,
)
_KIND = ("make", "model", "trim", "body", "condition")


def _corrected_search(m: Understanding, previous: dict[str, Any] | None) -> dict[str, Any]:
    """The search asked for; a correction of the last search ("sorry i meant under 25k",
    "what about red ones") keeps that search's other filters, replacing what it names. A new
    kind of vehicle without a correction word ("any trucks") is a new search."""
    args = _search_args(m.query)
    if not previous or not _CORRECTION.search(m.text):
        return args
    kept = dict(previous)
    if any(k in args for k in ("make", "model")):  # another make or model: its trim goes too
        kept = {k: v for k, v in kept.items() if k not in ("make", "model", "trim", "body")}
    return {**kept, **args}


def _search_args(query: VehicleQuery) -> dict[str, Any]:
    args = {
        key: value
        for key, value in vars(query).items()
        if value not in (None, (), "") and key != "stock"
    }
    if "features" in args:
        args["features"] = list(args["features"])
    return args


def _calls(calls: list[Call], updates: dict[str, Any], tag: str) -> EngineStep:
    tool_calls = [
        {"name": name, "args": args, "id": f"call_{tag}_{index}", "type": "tool_call"}
        for index, (name, args) in enumerate(calls)
    ]
    return EngineStep(AIMessage(content="", tool_calls=tool_calls), updates)


def _this_turn(messages: list[Any]) -> list[Any]:
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index:]
    raise ValueError("no shopper message in this turn")
