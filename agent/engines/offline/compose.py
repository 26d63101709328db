"""The offline engine's second half: after tool results, plan more calls or write the reply.

Every fact in a reply comes from a tool result (prices, times, passages) or the dealership
record; the words come from `agent/prompts/replies.yaml`. The replies to the vehicle tools are
written in `vehicle_replies`, answers from the dealership's pages in `answers`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.engines.offline import answers, compare_replies, facts_replies, vehicle_replies
from agent.engines.offline import formatting as fmt

# re-exported: the engine plans one knowledge search per question (`compose.more_questions`)
from agent.engines.offline.answers import more_questions as more_questions
from agent.engines.offline.intents import EmbedderLike
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding
from agent.followups import BRING_QUERY
from agent.nlu.when import TimeRequest
from contracts.dialogue import Slots, SlotUpdate

Call = tuple[str, dict[str, Any]]
Result = tuple[str, dict[str, Any]]
HOLD_QUERY = "hold a vehicle with a deposit"


def follow_up(
    m: Understanding, slots: Slots, results: list[Result], calls: list[Any]
) -> list[Call]:
    """More tool calls this turn needs before it can answer, if any."""
    done = [c["name"] for c in calls]
    name, result = results[-1]
    if len(m.queries) > 1 and done.count("search_inventory") > 1:
        return []  # several models searched at once: answered together, as found
    searches = [r for n, r in results if n == "search_inventory"]
    if name == "search_inventory" and "error" in result:
        return []  # a search the tool refused: answered with what there is
    if name == "search_inventory" and not result["vehicles"] and done.count(name) <= 2:
        asked = calls[-1]["args"]
        relaxed = _relax(asked) if done.count(name) == 1 else None
        gone = (searches[0].get("unavailable_matches") or [{}])[0]
        # The model asked for is only sold or pending: offer the same kind of vehicle, in its
        # price range.
        similar = (
            {"body": gone["body"], "price_max": round(gone["price"] * 1.25)}
            if gone.get("body") and "model" in asked and not result.get("alternatives")
            else None  # the search already named the closest available (`alternatives`)
        )
        if relaxed in (None, asked) and similar is not None and similar != asked:
            relaxed = similar
        if relaxed is not None:
            return [("search_inventory", relaxed)]
    if (
        name == "search_inventory"
        and result["vehicles"]
        and calls[-1]["args"].get("sort")
        and m.referred_by == "superlative"
        and "get_vehicle" not in done
    ):  # "whats the cheapest one": the first of the whole search, in detail
        return [("get_vehicle", {"stock": result["vehicles"][0]["stock"]})]
    if (
        name == "search_inventory"
        and result["vehicles"]
        and not searches[0].get("unavailable_matches")  # not a stand-in for a sold one
        and (m.wants_test_drive or slots.get("last_intent") == "test_drive")
        and "check_availability" not in done
        and "book_test_drive" not in done
    ):
        return test_drive_calls(result["vehicles"][0]["stock"], m.when)
    unavailable = name in ("get_vehicle", "check_availability", "book_test_drive") and _status(
        result
    ) not in (None, "available")
    if unavailable and "search_inventory" not in done:
        vehicle = result.get("vehicle") or {}
        similar = {"model": vehicle.get("model")} if vehicle.get("model") else {}
        return [("search_inventory", similar or {"body": vehicle.get("body")})]
    if (
        name in ("book_test_drive", "reschedule_test_drive")
        and (result.get("booked") or result.get("rescheduled"))
        and "search_knowledge" not in done
    ):
        return [("search_knowledge", {"query": BRING_QUERY})]
    if (
        name == "search_knowledge"
        and all(r.get("weak") for n, r in results if n == "search_knowledge")  # none answers
        and m.intent != "price_hold"  # no hold policy written down: the refusal stands alone
        and "request_human" not in done
        and "book_test_drive" not in done
    ):
        return [("request_human", {"reason": "unanswered", "note": f"Unanswered: {m.text[:160]}"})]
    return []


_LIST_CUES = (
    "any ", "do you have", "do u have", "you got", "u got", "show me", "looking for",
    "lookin for", "tienen", "hay ",
)  # fmt: skip


def asks_for_list(text: str) -> bool:
    """Whether the message asks for a list of vehicles ("any EVs", "do u have hondas")."""
    said = text.lower()
    return any(re.search(rf"(?<![a-z']){re.escape(w)}", said) for w in _LIST_CUES)  # not "many "


def other_questions(text: str) -> str:
    """A message that asks for vehicles and something else ("do u have any hondas under 20k
    and whats ur doc fee"): its other questions ("whats ur doc fee"); the whole message when
    it is not split so."""
    parts = more_questions(text)
    lists = [p for p in parts if asks_for_list(p)]
    rest = [p for p in parts if p not in lists]
    if len(lists) != 1 or not rest:
        return text
    return " and ".join(rest)


def test_drive_calls(stock: str, when: TimeRequest) -> list[Call]:
    """The calls for a test drive: several times given as alternatives ("thurs at 6 or fri at
    11") are each looked up, to be offered back; otherwise `test_drive_call`."""
    if not when.options:
        return [test_drive_call(stock, when)]
    calls: list[Call] = []
    for day, at in when.options:
        start = datetime.combine(day, at)
        args = {"stock": stock, "date": day.isoformat(), "earliest": at.strftime("%H:%M")}
        if (start + timedelta(minutes=1)).date() == day:
            args["latest"] = (start + timedelta(minutes=1)).strftime("%H:%M")
        calls.append(("check_availability", args))
    return calls


def test_drive_call(stock: str, when: TimeRequest) -> Call:
    """Book the exact time asked for, or look up open times in the window asked for; a rough
    time ("like 6") is a window of half an hour either side, to pick from."""
    if when.day and when.at and when.rough:
        start = datetime.combine(when.day, when.at)
        lo, hi = (start - timedelta(minutes=30)).time(), (start + timedelta(minutes=31)).time()
        when = replace(when, at=None, earliest=lo, latest=hi if hi > lo else None)
    if when.day and when.at:
        starts = datetime.combine(when.day, when.at).strftime("%Y-%m-%dT%H:%M")
        return ("book_test_drive", {"stock": stock, "starts_at": starts})
    args: dict[str, Any] = {"stock": stock}
    if when.day:
        args["date"] = when.day.isoformat()
        if when.earliest:
            args["earliest"] = when.earliest.strftime("%H:%M")
        if when.latest:
            args["latest"] = when.latest.strftime("%H:%M")
    return ("check_availability", args)


def _status(result: dict[str, Any]) -> str | None:
    if "vehicle" in result:
        return str(result["vehicle"]["status"])
    return str(result["status"]) if result.get("status") else None


def _relax(args: dict[str, Any]) -> dict[str, Any] | None:
    """Drop the narrow filters (colour, price, miles, year, features) and keep what it is."""
    keep = {k: v for k, v in args.items() if k in ("make", "model", "body", "condition")}
    if keep == args:
        if "model" in keep:
            return {k: v for k, v in keep.items() if k != "condition"} or None
        return None
    return keep or None


def reply(
    m: Understanding,
    slots: Slots,
    results: list[Result],
    ctx: TurnContext,
    deps: AgentDeps,
    embedder: EmbedderLike,
) -> tuple[str, SlotUpdate]:
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    by_name: dict[str, list[dict[str, Any]]] = {}
    for name, result in results:
        by_name.setdefault(name, []).append(result)
    parts: list[str] = []
    updates: SlotUpdate = {"pending": None}

    if "capture_lead" in by_name:
        saved = by_name["capture_lead"][-1].get("saved", {})
        first = (saved.get("name") or "").split(" ")[0] or None  # no name: the variant without
        parts.append(prompts.render("lead_saved", seed, name=first))
    if "dealership_info" in by_name:
        parts.append(facts_replies.text(by_name["dealership_info"], seed))
        # the message's other questions are answered from the knowledge below
        m = replace(m, text=" ".join(facts_replies.asks(m.text, m.when)[1]))
    if "request_human" in by_name:
        parts.append(_handoff_text(by_name["request_human"][-1], m, seed, ctx, deps))
        return " ".join(parts), updates
    if "cancel_test_drive" in by_name:
        result = by_name["cancel_test_drive"][-1]
        if "cancelled" in result:
            c = result["cancelled"]
            parts.append(
                prompts.render("cancelled", seed, title=c["title"], when=fmt.when(c["starts_at"]))
            )
            updates.update(
                {"appointment_day": None, "appointment_time": None, "rescheduling": None}
            )
        else:
            parts.append(prompts.render("nothing_to_cancel", seed))
        return " ".join(parts), updates

    booking = vehicle_replies.booking_text(by_name, seed, ctx, deps, updates)
    if booking:
        parts.append(booking)
    elif "check_availability" in by_name:
        parts.append(
            vehicle_replies.availability_text(
                by_name["check_availability"][-1], by_name, seed, updates
            )
        )
    elif "compare_vehicles" in by_name:  # "whats the difference", "which has less miles"
        parts.append(compare_replies.text(by_name["compare_vehicles"][-1], m, slots, seed, updates))
    elif "get_vehicle" in by_name:
        parts.append(
            vehicle_replies.vehicle_text(by_name["get_vehicle"][-1], by_name, m, seed, updates)
        )
    elif searched := [r for r in by_name.get("search_inventory", []) if "vehicles" in r]:
        if len(m.queries) > 1 and len(searched) > 1:  # "a venue or a santa cruz": one list
            searched = [vehicle_replies.merged(searched)]
        parts.append(vehicle_replies.search_text(searched, m, seed, updates))
    if "search_knowledge" in by_name and "search_inventory" in by_name and not booking:
        # "any hondas under 20k and whats ur doc fee": the other questions answered too
        documents = answers.documents(ctx, deps)
        searched = by_name["search_knowledge"]
        if not all(r.get("weak") for r in searched):
            rest = replace(m, text=other_questions(m.text))
            parts += answers.knowledge_answers(searched, rest, embedder, documents)
    elif "search_knowledge" in by_name:
        documents = answers.documents(ctx, deps)
        found = by_name["search_knowledge"][-1]
        if m.intent != "price_hold":
            parts += answers.knowledge_answers(by_name["search_knowledge"], m, embedder, documents)
        else:  # the refusal, then how a vehicle is really held, if the dealership says
            parts.append(prompts.render("price_hold", seed))
            if not found.get("weak"):
                asked = replace(m, text=HOLD_QUERY)
                parts.append(answers.knowledge_text(found, asked, embedder, documents))
    return " ".join(p for p in parts if p), updates


def direct(
    intent: str, m: Understanding, slots: Slots, ctx: TurnContext, deps: AgentDeps
) -> tuple[str, SlotUpdate]:
    """Replies that need no tool: greetings, disclosure, small talk, questions back."""
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    if intent == "photo_only":
        return prompts.render("photo_only", seed), {"pending": None}
    if intent == "ai_disclosure":
        return prompts.render("ai_disclosure", seed, dealership=ctx.dealership_name), {}
    if intent == "open_now":
        return _open_now(seed, ctx, deps), {}
    if intent in DECLINE_INTENTS:
        dealer = ctx.dealer
        phone = fmt.phone(dealer.phone) if dealer.phone else "the dealership"
        text = prompts.render(intent, seed, dealership=ctx.dealership_name, phone=phone)
        return text, {"pending": None}
    if slots.get("pending") == "ask_vehicle" or (
        intent == "test_drive" and not slots.get("vehicle_of_interest")
    ):
        return prompts.render("ask_vehicle", seed), {"pending": "ask_vehicle"}
    if intent in ("reschedule",):
        return prompts.render("ask_reschedule_time", seed), {"pending": "ask_reschedule_time"}
    if intent == "vehicle_details":  # about a vehicle, but none named or under discussion
        return prompts.render("vehicle_not_found", seed), {}
    if intent == "inventory_search":  # nothing specific asked for yet
        return prompts.render("ask_preferences", seed), {}
    if intent == "greeting":
        return prompts.render("greeting", seed), {}
    if intent == "small_talk":
        return prompts.render("small_talk", seed), {}
    if intent == "contact_details":
        return prompts.render("ask_contact", seed), {}
    return prompts.render("out_of_scope", seed, dealership=ctx.dealership_name), {}


def _open_now(seed: str, ctx: TurnContext, deps: AgentDeps) -> str:
    """Whether the showroom is open at this moment, from its hours and the clock."""
    dealer = ctx.dealer
    now = deps.clock.now().astimezone(ZoneInfo(dealer.timezone))
    is_open, next_in = fmt.next_opening(dealer, now)
    if is_open:
        return prompts.render("open_now", seed, until=fmt.clock(dealer.hours[now.weekday()][1]))
    return prompts.render("closed_now", seed, when=next_in)


def _handoff_text(
    result: dict[str, Any], m: Understanding, seed: str, ctx: TurnContext, deps: AgentDeps
) -> str:
    dealer = ctx.dealer
    now = deps.clock.now().astimezone(ZoneInfo(dealer.timezone))
    is_open, next_in = fmt.next_opening(dealer, now)
    when = prompts.render("team_open" if is_open else "team_closed", seed, when=next_in)
    reason = result.get("reason", "other")
    if reason == "human_requested" and _MANAGER.search(m.raw or m.text):
        reason = "manager_requested"  # "have a manager call me back": say a manager will
    return prompts.render(f"handoff_{reason}", seed, when=when)


_MANAGER = re.compile(r"\b(?:manager|supervisor|boss|gm|general manager)\b", re.IGNORECASE)
