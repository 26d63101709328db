"""The offline engine's second half: after tool results, plan more calls or write the reply.

Every fact in a reply comes from a tool result (prices, times, passages) or the dealership
record; the words come from `agent/prompts/replies.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.engines.offline import formatting as fmt
from agent.engines.offline.intents import EmbedderLike
from agent.engines.offline.misuse import DECLINE_INTENTS
from agent.engines.offline.understand import Understanding
from agent.nlu.when import TimeRequest
from agent.relevance import overlap
from crm_store import dealerships, knowledge_docs

Call = tuple[str, dict[str, Any]]
Result = tuple[str, dict[str, Any]]
BRING_QUERY = "what to bring for a test drive driver's license insurance"
HOLD_QUERY = "hold a vehicle with a deposit"


def follow_up(
    m: Understanding, slots: dict[str, Any], results: list[Result], calls: list[Any]
) -> list[Call]:
    """More tool calls this turn needs before it can answer, if any."""
    done = [c["name"] for c in calls]
    name, result = results[-1]
    searches = [r for n, r in results if n == "search_inventory"]
    if name == "search_inventory" and not result["vehicles"] and done.count(name) <= 2:
        asked = calls[-1]["args"]
        relaxed = _relax(asked) if done.count(name) == 1 else None
        gone = (searches[0].get("unavailable_matches") or [{}])[0]
        # The model asked for is only sold or pending: offer the same kind of vehicle, in its
        # price range.
        similar = (
            {"body": gone["body"], "price_max": round(gone["price"] * 1.25)}
            if gone.get("body") and "model" in asked
            else None
        )
        if relaxed in (None, asked) and similar is not None and similar != asked:
            relaxed = similar
        if relaxed is not None:
            return [("search_inventory", relaxed)]
    if (
        name == "search_inventory"
        and result["vehicles"]
        and not searches[0].get("unavailable_matches")  # not a stand-in for a sold one
        and (m.wants_test_drive or slots.get("last_intent") == "test_drive")
        and "check_availability" not in done
        and "book_test_drive" not in done
    ):
        return [test_drive_call(result["vehicles"][0]["stock"], m.when)]
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


def test_drive_call(stock: str, when: TimeRequest) -> Call:
    """Book the exact time asked for, or look up open times in the window asked for."""
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
    slots: dict[str, Any],
    results: list[Result],
    ctx: TurnContext,
    deps: AgentDeps,
    embedder: EmbedderLike,
) -> tuple[str, dict[str, Any]]:
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    by_name: dict[str, list[dict[str, Any]]] = {}
    for name, result in results:
        by_name.setdefault(name, []).append(result)
    parts: list[str] = []
    updates: dict[str, Any] = {"pending": None}

    if "capture_lead" in by_name:
        saved = by_name["capture_lead"][-1].get("saved", {})
        parts.append(
            prompts.render(
                "lead_saved", seed, name=(saved.get("name") or "").split(" ")[0] or "there"
            )
        )
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
            updates.update(appointment_day=None, appointment_time=None, rescheduling=None)
        else:
            parts.append(prompts.render("nothing_to_cancel", seed))
        return " ".join(parts), updates

    booking = _booking_text(by_name, seed, ctx, deps, updates)
    if booking:
        parts.append(booking)
    elif "check_availability" in by_name:
        parts.append(_availability_text(by_name["check_availability"][-1], by_name, seed, updates))
    elif "get_vehicle" in by_name:
        parts.append(_vehicle_text(by_name["get_vehicle"][-1], by_name, m, seed, updates))
    elif "search_inventory" in by_name:
        parts.append(_search_text(by_name["search_inventory"], m, seed, updates))
    elif "search_knowledge" in by_name:
        with deps.store.reading() as uow:
            documents = {
                d.title: d.text
                for d in knowledge_docs.list_docs(uow, dealership_id=ctx.dealership_id)
            }
        found = by_name["search_knowledge"][-1]
        if m.intent != "price_hold":
            parts += _knowledge_answers(by_name["search_knowledge"], m, embedder, documents)
        else:  # the refusal, then how a vehicle is really held, if the dealership says
            parts.append(prompts.render("price_hold", seed))
            if not found.get("weak"):
                asked = replace(m, text=HOLD_QUERY)
                parts.append(_knowledge_text(found, asked, embedder, documents))
    return " ".join(p for p in parts if p), updates


def direct(
    intent: str, m: Understanding, slots: dict[str, Any], ctx: TurnContext, deps: AgentDeps
) -> tuple[str, dict[str, Any]]:
    """Replies that need no tool: greetings, disclosure, small talk, questions back."""
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    if intent == "photo_only":
        return prompts.render("photo_only", seed), {"pending": None}
    if intent == "ai_disclosure":
        return prompts.render("ai_disclosure", seed, dealership=ctx.dealership_name), {}
    if intent == "open_now":
        return _open_now(seed, ctx, deps), {}
    if intent in DECLINE_INTENTS:
        with deps.store.reading() as uow:
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=ctx.dealership_id)
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
    with deps.store.reading() as uow:
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=ctx.dealership_id)
    now = deps.clock.now().astimezone(ZoneInfo(dealer.timezone))
    is_open, next_in = fmt.next_opening(dealer, now)
    if is_open:
        return prompts.render("open_now", seed, until=fmt.clock(dealer.hours[now.weekday()][1]))
    return prompts.render("closed_now", seed, when=next_in)


def _handoff_text(
    result: dict[str, Any], m: Understanding, seed: str, ctx: TurnContext, deps: AgentDeps
) -> str:
    with deps.store.reading() as uow:
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=ctx.dealership_id)
    now = deps.clock.now().astimezone(ZoneInfo(dealer.timezone))
    is_open, next_in = fmt.next_opening(dealer, now)
    when = prompts.render("team_open" if is_open else "team_closed", seed, when=next_in)
    return prompts.render(f"handoff_{result.get('reason', 'other')}", seed, when=when)


def _booking_text(
    by_name: dict[str, list[dict[str, Any]]],
    seed: str,
    ctx: TurnContext,
    deps: AgentDeps,
    updates: dict[str, Any],
) -> str:
    attempts = by_name.get("book_test_drive") or by_name.get("reschedule_test_drive")
    if not attempts:
        return ""
    result = attempts[-1]
    done = result.get("booked") or result.get("rescheduled")
    if done:
        with deps.store.reading() as uow:
            dealer = dealerships.get_dealership_by_id(uow, dealership_id=ctx.dealership_id)
        bring = _bring(by_name.get("search_knowledge", []))
        key = "booked" if result.get("booked") else "rescheduled"
        updates.update(
            appointment_day=done["starts_at"][:10],
            appointment_time=done["starts_at"][11:16],
            rescheduling=None,
            requested_day=None,
        )
        with_whom = f" with {done['staff']}" if done.get("staff") else ""
        return prompts.render(
            key,
            seed,
            title=done["title"],
            stock=done["stock"],
            when=fmt.when(done["starts_at"]),
            with_whom=with_whom,
            address=dealer.address or dealer.name,
            bring=bring,
        ) + (f" Add it to your calendar: {done['calendar']}" if done.get("calendar") else "")
    if result.get("status") not in (None, "available"):
        similar = _similar(by_name, exclude=result.get("stock"))
        return prompts.render(
            "vehicle_unavailable",
            seed,
            title=result.get("stock"),
            status=result["status"],
            similar=similar,
        )
    alternatives = result.get("alternatives", [])
    if not alternatives:
        return prompts.render("no_times", seed)
    updates.update(
        offered_slots=alternatives, pending="slot_choice", requested_day=alternatives[0][:10]
    )
    key = "time_booked" if result.get("reason") == "slot taken" else "time_taken"
    return prompts.render(key, seed, times=fmt.times_list(alternatives))


def _availability_text(
    result: dict[str, Any],
    by_name: dict[str, list[dict[str, Any]]],
    seed: str,
    updates: dict[str, Any],
) -> str:
    if result.get("status") not in (None, "available"):
        similar = _similar(by_name, exclude=result.get("stock"))
        return prompts.render(
            "vehicle_unavailable",
            seed,
            title=result.get("title", result["stock"]),
            status=result["status"],
            similar=similar,
        )
    slots = result.get("slots", [])
    if slots:
        offered = _spread(slots)
        updates.update(offered_slots=offered, pending="slot_choice", requested_day=offered[0][:10])
        return prompts.render(
            "offer_times", seed, title=result["title"], times=fmt.times_list(offered)
        )
    nearest = result.get("nearest", [])
    if not nearest:
        return prompts.render("no_times", seed)
    updates.update(offered_slots=nearest, pending="slot_choice", requested_day=nearest[0][:10])
    key = "day_closed" if result.get("day_closed") else "window_full"
    day = (
        fmt.day_name(datetime.fromisoformat(result["date"] + "T00:00"))
        if result.get("date")
        else ""
    )
    return prompts.render(key, seed, day=day, times=fmt.times_list(nearest))


def _spread(slots: list[str], count: int = 3) -> list[str]:
    """Up to `count` offered times: the first ones of the window, at least an hour apart
    when the window is long, so the shopper sees a real choice."""
    if len(slots) <= count:
        return slots
    picked = [slots[0]]
    for slot in slots[1:]:
        gap = datetime.fromisoformat(slot) - datetime.fromisoformat(picked[-1])
        if gap.total_seconds() >= 3600 or len(slots) < 8:
            picked.append(slot)
        if len(picked) == count:
            break
    return picked


def _vehicle_text(
    result: dict[str, Any],
    by_name: dict[str, list[dict[str, Any]]],
    m: Understanding,
    seed: str,
    updates: dict[str, Any],
) -> str:
    if "error" in result:
        return prompts.render("vehicle_not_found", seed)
    v = result["vehicle"]
    if v["status"] != "available":
        similar = _similar(by_name, exclude=v["stock"])
        return prompts.render(
            "vehicle_unavailable", seed, title=v["title"], status=v["status"], similar=similar
        )
    features = ", ".join(v["features"][:3]) if v["features"] else ""
    detail = prompts.render(
        "vehicle_details",
        seed,
        line=fmt.vehicle_line(v),
        features=f" Features: {features}." if features else "",
    )
    updates["pending"] = "offer_test_drive"
    return detail


def _search_text(
    results: list[dict[str, Any]], m: Understanding, seed: str, updates: dict[str, Any]
) -> str:
    first, last = results[0], results[-1]
    found = last["vehicles"]
    if not found:
        gone = first.get("unavailable_matches") or []
        if gone:
            return prompts.render(
                "only_unavailable", seed, title=gone[0]["title"], status=gone[0]["status"]
            )
        return prompts.render("no_match", seed)
    lines = "; ".join(fmt.vehicle_line(v) for v in found[:3])
    updates["pending"] = "offer_test_drive"
    key = "search_results" if first["vehicles"] else "search_relaxed"
    named = bool(m.query.model or m.query.stock)  # "the silverado", not "a used truck"
    if not first["vehicles"] and first.get("unavailable_matches") and named:
        gone = first["unavailable_matches"][0]
        return prompts.render(
            "unavailable_with_similar",
            seed,
            title=gone["title"],
            status=gone["status"],
            lines=lines,
        )
    more = last.get("total", len(found)) - min(len(found), 3)
    extra = f" (+{more} more)" if more > 0 else ""
    return prompts.render(key, seed, count=last.get("total", len(found)), lines=lines + extra)


def _similar(by_name: dict[str, list[dict[str, Any]]], exclude: str | None) -> str:
    for result in reversed(by_name.get("search_inventory", [])):
        options = [v for v in result.get("vehicles", []) if v["stock"] != exclude]
        if options:
            return (
                " A similar one that is available: "
                + fmt.vehicle_line(options[0])
                + ". Want to see it?"
            )
    return ""


def _bring(results: list[dict[str, Any]]) -> str:
    sentences = [
        sentence
        for result in results
        for passage in result.get("passages", [])
        for sentence in _sentences(passage["text"])
    ]
    for pattern in (r"\b(license|licence|insurance)\b", r"\bbring\b"):
        for sentence in sentences:
            if re.search(pattern, sentence, re.IGNORECASE):
                return " " + sentence
    return ""


_WHERE = re.compile(r"\b(where|located|location|address|directions|find you)\b", re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b\d{2,6}\s+[A-Z][\w ]*\b(Blvd|Boulevard|St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Way|"
    r"Hwy|Highway|Pkwy|Parkway|Lane|Ln)\b"
)
_NEEDS = re.compile(r"\b(need|bring|requir\w*|documents?|paperwork)\b", re.IGNORECASE)
_REQUIREMENT = re.compile(r"\b(must|requir\w*|bring|license|proof|documents?)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)\s*-?\s*([a-z]{2,})", re.IGNORECASE)
_FIGURE = re.compile(
    r"\b(how much|cost|fee|price|charge|how many|how long|when|what time|hours?|warrant\w*|"
    r"open|close)\b",
    re.IGNORECASE,
)


_QUESTION_BREAK = re.compile(
    r"\?+\s*|[,;]?\s+(?:and|also|plus|&)\s+(?=(?:do|does|is|are|can|could|what|whats|wat|how"
    r"|when|where|any|r|u|y'?all)\b)",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(r"\b(it|that|this|they|them|those|these|one)\b", re.IGNORECASE)


def more_questions(text: str) -> list[str]:
    """The separate questions of a message that asks several ("whats ur doc fee and do u
    deliver"), each standing on its own; [] when it asks one, or when a later part leans on
    an earlier one ("how much is the deposit and is it refundable")."""
    parts = [p.strip(" ,.!") for p in _QUESTION_BREAK.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if len(parts) < 2 or any(_BACK_REFERENCE.search(p) for p in parts[1:]):
        return []
    return parts[:3]


def _knowledge_answers(
    results: list[dict[str, Any]],
    m: Understanding,
    embedder: EmbedderLike,
    documents: dict[str, str],
) -> list[str]:
    """An answer to each question the message asks (`results` are the searches for the whole
    message and for each of `more_questions`); the whole message when it asks one."""
    primary, *more = results
    asked = [
        (replace(m, text=question), found)
        for question, found in zip(more_questions(m.text), more, strict=False)
        if not found.get("weak") and found.get("passages")
    ]
    if not asked:  # one question, or its parts alone find nothing: the message as a whole
        return [_knowledge_text(primary, m, embedder, documents)]
    pages: dict[str, list[str]] = {}  # one answer per page, each sentence once
    for question, found in asked:
        title, sentences = _best_sentences(found, question, embedder, documents)
        kept = pages.setdefault(title, [])
        kept += [sentence for sentence in sentences if sentence not in kept]
    return [f"{' '.join(sentences)} (Source: {title})" for title, sentences in pages.items()]


def _knowledge_text(
    result: dict[str, Any], m: Understanding, embedder: EmbedderLike, documents: dict[str, str]
) -> str:
    """The two sentences of the best-matching page that best answer the question, with the
    page's title. The whole page is read (not only the retrieved chunk), so the answer can
    come from its opening sentence, which usually states the topic."""
    if not result.get("passages"):
        return prompts.render("no_match", "")
    title, answer = _best_sentences(result, m, embedder, documents)
    return f"{' '.join(answer)} (Source: {title})"


def _best_sentences(
    result: dict[str, Any], m: Understanding, embedder: EmbedderLike, documents: dict[str, str]
) -> tuple[str, list[str]]:
    """The best page's title and its two sentences that best answer `m`, in page order."""
    passages = result["passages"]
    title = passages[0]["title"]
    text = documents.get(title) or " ".join(p["text"] for p in passages if p["title"] == title)
    sentences = _sentences(text)
    vectors = np.asarray(embedder.embed([m.text, *sentences]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    wants_figure = bool(_FIGURE.search(m.text))
    wants_place = bool(_WHERE.search(m.text))
    wants_needs = bool(_NEEDS.search(m.text))
    numbers, amounts = _quantities(m.text)  # "50 miles out": the sentence with 50 miles
    scores = [
        float(similarity[i])
        + 0.25 * overlap(m.text, sentence)
        + (0.08 if i == 0 else 0.0)
        + (0.1 if wants_figure and re.search(r"\d", sentence) else 0.0)
        + (0.2 if wants_place and _ADDRESS.search(sentence) else 0.0)
        + (0.12 if wants_needs and _REQUIREMENT.search(sentence) else 0.0)
        + _quantity_bonus(numbers, amounts, sentence)
        for i, sentence in enumerate(sentences)
    ]
    chosen = sorted(sorted(range(len(sentences)), key=lambda i: -scores[i])[:2])
    return title, [sentences[i] for i in chosen]


def _quantities(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The numbers in `text`, and each with the word after it ("50 miles" -> ("50", "mile"))."""
    numbers = set(_NUMBER.findall(text))
    amounts = {(n, u.lower().rstrip("s")) for n, u in _AMOUNT.findall(text)}
    return numbers, amounts


def _quantity_bonus(numbers: set[str], amounts: set[tuple[str, str]], sentence: str) -> float:
    """A sentence stating the shopper's own quantity (same number and unit) is very likely the
    answer; the same number alone, likely."""
    found, stated = _quantities(sentence)
    if amounts & stated:
        return 0.35
    return 0.15 if numbers & found else 0.0


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"$])", " ".join(text.split()))
    return [p.strip() for p in parts if p.strip()]
