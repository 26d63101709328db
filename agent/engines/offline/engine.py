"""The offline engine: deterministic, no network, no keys; a real engine judged by the same
scenarios as a chat model.

It works like a tool-calling model: on the shopper's message it plans tool calls (`plan`), and
once their results are in it either plans more or writes the reply from templates (`compose`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agent import prompts, references
from agent.context import AgentDeps, TurnContext
from agent.dialogue import read_shown
from agent.engines import EngineStep
from agent.engines.offline import answers, breakdown, compose, facts_replies, misuse, own_booking
from agent.engines.offline.gates import (
    ASKS_OF_A_MODEL,
    asks_another,
    listing_asked,
    may_ask_facts,
    may_ask_listing,
    shopper_facts,
)
from agent.engines.offline.intents import (
    HANDOFF_INTENTS,
    REASON_INTENTS,
    EmbedderLike,
    IntentClassifier,
)
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.refine import SAME_TIME, refine
from agent.engines.offline.search_args import (
    beyond_shown,
    corrected_search,
    kept_to_shown,
    like_shown,
    search_args,
)
from agent.engines.offline.time_talk import (
    AGREEMENT,
    QUESTION,
    ask_which,
    asks_to_book,
    remember_time,
    unpicked,
    which_one,
    with_context,
)
from agent.engines.offline.understand import Understanding, understand
from agent.nlu.when import TimeRequest
from agent.standing import shifted
from agent.state import AgentState
from contracts.dialogue import Slots, SlotUpdate

Call = tuple[str, dict[str, Any]]


class OfflineEngine:
    name = "offline"

    def __init__(self, deps: AgentDeps, embedder: EmbedderLike) -> None:
        self.deps = deps
        self.embedder = embedder  # it keeps vectors by text (knowledge.embeddings)
        self.classifier = IntentClassifier(embedder)

    def respond(self, state: AgentState, ctx: TurnContext) -> EngineStep:
        messages = state.get("messages", [])
        slots: Slots = {**(state.get("slots") or {})}
        turn = _this_turn(messages)
        human = turn[0]
        assert isinstance(human, HumanMessage)
        results = [
            (m.name or "", json.loads(str(m.content))) for m in turn if isinstance(m, ToolMessage)
        ]
        calls_so_far = [c for m in turn if isinstance(m, AIMessage) for c in m.tool_calls]
        meaning = self._understand(human.text, slots, ctx)
        if unpicked(slots, []):  # "ok. do i need to bring anything": asked in the booking talk
            rest = AGREEMENT.sub("", meaning.text)
            meaning = replace(meaning, text=f"{rest} for the test drive" if rest else rest)
        if not results:
            step = self._plan(meaning, slots, ctx)
        else:
            follow_up = compose.follow_up(meaning, slots, results, calls_so_far)
            if follow_up:
                return _calls(follow_up, {}, f"{ctx.turn}_{len(turn)}")
            if slots.get("asked_feature") and not meaning.feature:  # "the outback" to which one
                meaning = replace(meaning, feature=slots["asked_feature"])
            text, updates = (
                breakdown.reply(meaning, slots, results, ctx, self.deps)
                or own_booking.reply(meaning, results, ctx)
                or answers.claim_reply(meaning, slots, results, ctx, self.deps, self.embedder)
                or compose.reply(meaning, slots, results, ctx, self.deps, self.embedder)
            )
            text += answers.beside_listing(meaning, results, ctx, self.deps)  # "in winter"
            step = EngineStep(AIMessage(content=text), updates)
        if not step.message.tool_calls and unpicked(slots, results):
            step = ask_which(step, slots, ctx)
        if meaning.text and not step.message.tool_calls and misuse.screen(meaning.raw).injected:
            note = prompts.render("injected_note", f"{ctx.conversation_id}:{ctx.turn}")
            step = EngineStep(AIMessage(content=f"{note} {step.message.text}"), step.slots)
        if meaning.photos and not step.message.tool_calls:
            thanks = prompts.render("photo_thanks", f"{ctx.conversation_id}:{ctx.turn}")
            step = EngineStep(AIMessage(content=f"{thanks} {step.message.text}"), step.slots)
        return step

    def _understand(self, text: str, slots: Slots, ctx: TurnContext) -> Understanding:
        snapshot = self.deps.inventory.get(ctx.dealership_id)
        inventory, vocabulary = list(snapshot.vehicles), snapshot.vocabulary
        now = self.deps.clock.now().astimezone(ZoneInfo(ctx.timezone))
        hours = ctx.dealer.hours
        meaning = understand(
            text,
            now=now,
            classifier=self.classifier,
            vocabulary=vocabulary,
            inventory=inventory,
            slots=slots,
            hours=hours,
        )
        carried = slots.get("last_feature")  # "does the f150 have a v8" -> "what about the ram"
        if carried and not meaning.feature and asks_another(meaning):
            meaning = replace(meaning, feature=carried)
        return meaning

    def _plan(self, m: Understanding, slots: Slots, ctx: TurnContext) -> EngineStep:
        intent = "photo_only" if m.photos and not m.text.strip() else refine(m, slots)
        said = m.raw or m.text  # the rules in code judge what was sent, as the pipeline does
        reasons = self.deps.escalation(said) if self.deps.escalation and said else ()
        if reasons and reasons[0] in REASON_INTENTS:
            intent = REASON_INTENTS[reasons[0]]  # the rules in code decide a handoff
        # "where are you located", "hours on saturday": from the dealership record
        fact_calls, other_questions = (
            facts_replies.asks(
                m.text,
                m.when,
                after_facts=slots.get("last_intent") == "dealership_info",
                day=date.fromisoformat(slots["requested_day"])
                if slots.get("requested_day")
                else None,
                department=slots.get("department"),
            )
            if may_ask_facts(intent, m)
            else ([], [])
        )
        if fact_calls:
            intent = "dealership_info"
        # "does it have a moonroof", "is it a manual": the listing of the vehicle meant; asked
        # while "which one?" is open, the answer to it names the vehicle
        feature = m.feature or (
            slots.get("asked_feature") if slots.get("pending") == "which_vehicle" else None
        )
        stock = listing_asked(feature, intent, m, slots) if intent != "compare" else None
        if stock or (feature and m.candidates and may_ask_listing(intent, m)):
            intent = "vehicle_feature"
        elif feature and (m.query.model or m.query.stock) and intent in ASKS_OF_A_MODEL:
            intent = "inventory_search"  # "is the blue wrx a manual": the fact for each match
        intent = breakdown.refined(intent, m.text)  # "is the price plus tax": the fee page
        tag = f"{ctx.turn}_0"
        updates: SlotUpdate = {"last_intent": intent, **shopper_facts(m, intent)}
        if intent == "dealership_info" and (asked_day := facts_replies.day_asked(fact_calls)):
            updates["requested_day"] = asked_day  # "and close?", "that day": this day
        if fact_calls:  # "are they open saturday", "their direct line": this department
            updates["department"] = facts_replies.department_asked(fact_calls)
        updates["asked_feature"] = feature if intent == "vehicle_feature" else None
        asked_listing = intent in ("vehicle_feature", "inventory_search")
        updates["last_feature"] = feature if asked_listing else None  # what "and the X?" asks
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
        if intent == "open_now" and m.query.model:  # "can i come look at the accord rn"
            updates["search"] = search_args(m.query)  # the model a later "tmrw then" means
        if intent == "test_drive" and unpicked(slots, []):
            # "perfect. do i need to bring anything" to three offered times: no pick. The
            # question is answered; `respond` then asks which time.
            intent = "knowledge" if QUESTION.search(m.text) else "slot_which"
            updates["last_intent"] = intent
            if intent == "slot_which":
                return EngineStep(AIMessage(content=""), updates)
        if intent == "slot_later":  # "ill let u know which time": the offer stays open
            text = prompts.render("time_later", f"{ctx.conversation_id}:{ctx.turn}")
            return EngineStep(AIMessage(content=text), {**updates, "pending": "slot_choice"})
        if m.candidates and not m.reference and intent in _ASKS_WHICH:
            return which_one(m, intent, updates, ctx)  # "it" among three shown: ask which
        calls: list[Call] = []
        if m.contact and intent not in DECLINE_INTENTS:  # a manipulative message is not acted on
            calls.append(("capture_lead", dict(m.contact)))
        if intent == "handoff_status":  # the live handoff answers when, nobody paged again
            note = "Shopper asks when they will hear back."
            calls.append(("request_human", {"reason": slots["handoff_reason"], "note": note}))
        elif intent in HANDOFF_INTENTS:
            note = f"Shopper wrote: {said[:160]}"
            calls.append(("request_human", {"reason": HANDOFF_INTENTS[intent], "note": note}))
        elif intent == "knowledge":
            # "any hondas under 20k and whats ur doc fee": the vehicles asked for are searched,
            # and the message's other questions are looked up in the knowledge
            rest = compose.other_questions(m.text) if not m.query.is_empty() else m.text
            if rest != m.text:
                calls.append(("search_inventory", dict(search_args(m.query))))
            calls.append(("search_knowledge", {"query": rest}))
            # "whats ur doc fee and do u deliver": each question looked up on its own too
            calls += [("search_knowledge", {"query": q}) for q in compose.more_questions(rest)]
        elif intent == "dealership_info":  # and the message's other questions, if any
            calls += fact_calls
            # "r u open sunday? want to see the odyssey at like 10": open times offered too
            booking = [q for q in other_questions if asks_to_book(q, m, slots)]
            if booking:
                updates["last_intent"] = "test_drive"
                calls += self._test_drive(m, slots, ctx, updates)
            calls += [
                ("search_knowledge", {"query": q}) for q in other_questions if q not in booking
            ]
        elif intent == "compare" and m.comparison is not None:  # "which has less miles"
            calls.append(("compare_vehicles", m.comparison.args()))
        elif intent == "price_hold":  # no promise, but how a vehicle is really held
            calls.append(("search_knowledge", {"query": compose.HOLD_QUERY}))
        elif intent == misuse.CLAIM_CHECK:  # "so im approved?": how one is really given
            _, query = misuse.claim_asked(m.text) or ("", m.text)
            calls.append(("search_knowledge", {"query": query}))
        elif len(m.queries) > 1 and intent in _SEARCHES and not m.reference:
            # "do u have a venue or a santa cruz": each one searched, answered together
            calls += [("search_inventory", dict(search_args(q))) for q in m.queries[:3]]
            updates["search"] = search_args(m.queries[0])
        elif intent == "similar":  # the same kind as those shown, in their price band
            calls.append(("search_inventory", like_shown(read_shown(slots))))
        elif intent == "vehicle_details" and beyond_shown(m, slots):
            # "whats the cheapest one" when more matched than were shown: the whole search
            whole: dict[str, Any] = {
                **(slots.get("search") or {}),
                "sort": references.sort_asked(m.text),
            }
            calls.append(("search_inventory", whole))
        elif intent == "inventory_search" and not m.query.is_empty():
            args = kept_to_shown(m, corrected_search(m, slots.get("search")), slots)
            if order := references.sort_asked(m.text):  # "whats ur cheapest suv"
                args["sort"] = order
            updates["search"] = args  # kept: a correction ("i meant under 25k") refines it
            calls.append(("search_inventory", dict(args)))
        elif intent == "vehicle_feature" and stock:
            calls.append(("get_vehicle", {"stock": stock}))
        elif intent == "check_listing":  # "yes" to having someone check what it isn't listed
            check = slots.get("check")
            of, what = (check["stock"], check["feature"]) if check else (None, None)
            note = f"Shopper asks whether {of} has {what}"
            calls.append(("request_human", {"reason": "unanswered", "note": note[:200]}))
        elif intent == "vehicle_details":
            stock = m.reference or slots.get("vehicle_of_interest")
            if stock:
                calls.append(("get_vehicle", {"stock": stock}))
            elif not m.query.is_empty():
                calls.append(("search_inventory", dict(search_args(m.query))))
            # else: which vehicle? ("how much is it" with none under discussion)
        elif intent == "test_drive":
            calls += self._test_drive(m, slots, ctx, updates)
        elif intent == "reschedule":
            calls += self._reschedule(m, slots, ctx, updates)
        elif intent == "cancel":
            calls.append(("cancel_test_drive", {}))
        elif intent == own_booking.INTENT:  # "when is my appt": from the store
            calls.append((own_booking.TOOL, {}))
        elif intent == breakdown.INTENT:
            calls += breakdown.calls(m, slots)
        if calls:
            return _calls(calls, updates, tag)
        text, more = compose.direct(intent, m, slots, ctx, self.deps)
        return EngineStep(AIMessage(content=text), {**updates, **more})

    def _test_drive(
        self, m: Understanding, slots: Slots, ctx: TurnContext, updates: SlotUpdate
    ) -> list[Call]:
        stock = m.reference or slots.get("vehicle_of_interest")
        if not stock and not m.query.is_empty():
            return [("search_inventory", dict(search_args(m.query)))]
        asked = slots.get("search") or {}
        if not stock and asked.get("model"):  # the model asked about last, none shown since
            return [("search_inventory", dict(asked))]
        if not stock:
            updates["pending"] = "ask_vehicle"
            remember_time(m.when, updates)
            return []
        when = with_context(m, slots)
        if when.day and not when.at:
            updates["requested_day"] = when.day.isoformat()
        if move := own_booking.move_of_standing(stock, when, slots):  # this car's drive stands
            return [move]
        return compose.test_drive_calls(stock, when)

    def _reschedule(
        self, m: Understanding, slots: Slots, ctx: TurnContext, updates: SlotUpdate
    ) -> list[Call]:
        if moved := shifted(m.text, slots):  # "push it back an hour"
            return [("reschedule_test_drive", {"starts_at": moved})]
        when = with_context(m, slots)
        if when.day and not when.at and SAME_TIME.search(m.text) and slots.get("appointment_time"):
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
            return [compose.test_drive_call(stock, when)]  # "friday afternoon": that window
        updates["pending"] = "ask_reschedule_time"
        return []


_SEARCHES = ("inventory_search", "vehicle_details", "knowledge", "out_of_scope", "small_talk")


_ASKS_WHICH = ("vehicle_details", "test_drive", "vehicle_feature")


def _calls(calls: list[Call], updates: SlotUpdate, tag: str) -> EngineStep:
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
