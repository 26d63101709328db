"""Replies built from the vehicle tools' results: a booking or reschedule, open times, one
vehicle's details, and inventory search results (with a similar vehicle when one is gone).

Facts come from the tool results and the dealership record; the words from
`agent/prompts/replies.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from agent import prompts, references, vehicle_facts
from agent.context import AgentDeps, TurnContext
from agent.dialogue import shown_updates
from agent.engines.offline import answers
from agent.engines.offline import formatting as fmt
from agent.engines.offline.understand import Understanding
from contracts.dialogue import ShownVehicle, SlotUpdate


def booking_text(
    by_name: dict[str, list[dict[str, Any]]],
    seed: str,
    ctx: TurnContext,
    deps: AgentDeps,
    updates: SlotUpdate,
) -> str:
    """The reply to a booking or reschedule: confirmed (with what to bring), the vehicle gone,
    or other times to pick from; "" when neither was tried this turn."""
    attempts = by_name.get("book_test_drive") or by_name.get("reschedule_test_drive")
    if not attempts:
        return ""
    result = attempts[-1]
    done = result.get("booked") or result.get("rescheduled")
    if done:
        dealer = ctx.dealer
        bring = answers.bring(by_name.get("search_knowledge", []))
        key = "booked" if result.get("booked") else "rescheduled"
        updates.update(
            {
                "appointment_day": done["starts_at"][:10],
                "appointment_time": done["starts_at"][11:16],
                "rescheduling": None,
                "requested_day": None,
            }
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
        stock = result.get("stock")
        return _unavailable_text(by_name, seed, title=stock, status=result["status"], stock=stock)
    if result.get("error") == "not_chosen":  # the shopper has not picked a time: ask which
        offered = result.get("offered") or []
        updates.update(
            {"offered_slots": offered or None, "pending": "slot_choice" if offered else None}
        )
        if not offered:
            return prompts.render("which_day_time", seed)
        return prompts.render("which_time", seed, times=fmt.times_list(offered))
    alternatives = result.get("alternatives", [])
    if not alternatives:
        return prompts.render("no_times", seed)
    updates.update(
        {
            "offered_slots": alternatives,
            "pending": "slot_choice",
            "requested_day": alternatives[0][:10],
        }
    )
    key = "time_booked" if result.get("reason") == "slot taken" else "time_taken"
    return prompts.render(key, seed, times=fmt.times_list(alternatives))


def availability_text(
    result: dict[str, Any],
    by_name: dict[str, list[dict[str, Any]]],
    seed: str,
    updates: SlotUpdate,
) -> str:
    """Open times for a test drive: a few from the window asked for, or the nearest ones."""
    if result.get("status") not in (None, "available"):
        title = result.get("title", result["stock"])
        return _unavailable_text(
            by_name, seed, title=title, status=result["status"], stock=result.get("stock")
        )
    slots = result.get("slots", [])
    looked_up = by_name.get("check_availability") or [result]
    if len(looked_up) > 1:  # "thurs at 6 or fri at 11": each time asked for that is open
        slots = sorted({s for r in looked_up for s in r.get("slots", [])})
    if slots:
        offered = _spread(slots)
        updates.update(
            {"offered_slots": offered, "pending": "slot_choice", "requested_day": offered[0][:10]}
        )
        return prompts.render(
            "offer_times", seed, title=result["title"], times=fmt.times_list(offered)
        )
    nearest = result.get("nearest", [])
    if not nearest:
        return prompts.render("no_times", seed)
    updates.update(
        {"offered_slots": nearest, "pending": "slot_choice", "requested_day": nearest[0][:10]}
    )
    key = "day_closed" if result.get("day_closed") else "window_full"
    day = (
        fmt.day_name(datetime.fromisoformat(result["date"] + "T00:00"))
        if result.get("date")
        else ""
    )
    if result.get("outside_hours") in ("before_open", "after_close") and not result["day_closed"]:
        # "sunday at 10" when Sunday opens at noon: the hours, then the nearest open times
        side = result["outside_hours"]
        return prompts.render(
            side,
            seed,
            day=day,
            opens=fmt.clock(time.fromisoformat(result["opens"])),
            closes=fmt.clock(time.fromisoformat(result["closes"])),
            times=fmt.times_list(nearest),
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


def vehicle_text(
    result: dict[str, Any],
    by_name: dict[str, list[dict[str, Any]]],
    m: Understanding,
    seed: str,
    updates: SlotUpdate,
) -> str:
    """One vehicle's details, then an offer of a test drive (or a similar one, if it's gone)."""
    if "error" in result:
        return prompts.render("vehicle_not_found", seed)
    v = result["vehicle"]
    if v["status"] != "available":
        return _unavailable_text(
            by_name, seed, title=v["title"], status=v["status"], stock=v["stock"]
        )
    if m.feature:  # "does it have a moonroof": the listing answers, not a card
        answer = feature_text(v, m.feature, seed, updates)
        # "miles and is it awd": the vehicle's line answers the other question
        return f"{fmt.vehicle_line(v)}. {answer}" if _ALSO_ASKS.search(m.text) else answer
    features = ", ".join(v["features"][:3]) if v["features"] else ""
    detail = prompts.render(
        "vehicle_details",
        seed,
        line=fmt.vehicle_line(v),
        features=f" Features: {features}." if features else "",
    )
    updates["pending"] = "offer_test_drive"
    return detail


_ALSO_ASKS = re.compile(
    r"\b(?:price|priced|cost|how much(?! \w+ \w+ (?:tow|pull|haul))|miles|mileage|colou?r|year"
    r"|stock (?:#|number|no))",
    re.IGNORECASE,
)
# How a canonical feature word reads in a sentence ("not a manual", "doesn't mention AWD").
_SAID = {
    "manual": "a manual",
    "automatic": "an automatic",
    "awd": "AWD",
    "fwd": "front-wheel drive (FWD)",
    "rwd": "rear-wheel drive (RWD)",
    "v6": "a V6",
    "v8": "a V8",
    "diesel": "a diesel",
    "hybrid": "a hybrid",
    "electric": "electric",
    "carplay": "Apple CarPlay",
    "androidauto": "Android Auto",
    "eyesight": "EyeSight",
    "tow": "a tow package or hitch",
    "moonroof": "a moonroof",
    "navigation": "navigation",
    "third row": "a third row",
    "locking diff": "a locking differential",
    # what-questions (`vehicle_facts.SPECS`): "doesn't mention the fuel economy"
    "mpg": "the fuel economy",
    "range": "the range",
    "seating": "the seating",
    "engine": "the engine",
    "drivetrain": "the drivetrain",
    "towing": "the towing capacity",
    "clearance": "the ground clearance",
    "horsepower": "the horsepower",
    "transmission": "the transmission",
}


def feature_text(v: dict[str, Any], phrase: str, seed: str, updates: SlotUpdate) -> str:
    """For each feature asked about: yes with the listing's words, no with what it lists
    instead, or not listed with an offer to have someone check (a page only if wanted)."""
    found = [vehicle_facts.check(v, f) for f in vehicle_facts.features_of(phrase)]
    where = {"title": v["title"], "stock": v["stock"]}
    if vehicle_facts.is_colour(phrase):  # "is it blue"
        updates["pending"] = "offer_test_drive"
        key = "colour_yes" if found[0].listed else "colour_no"
        return prompts.render(key, seed, colour=v.get("color") or "not listed", **where)
    parts = []
    if listed := [a.listed for a in found if a.listed]:
        key = "spec_listed" if vehicle_facts.is_spec(phrase) else "feature_listed"  # "what mpg"
        key = "condition_listed" if phrase == "condition" else key  # "is that one new"
        parts.append(prompts.render(key, seed, listed=fmt.joined(listed), **where))
    for a in found:
        if a.instead:
            instead, asked = _SAID.get(a.instead, a.instead), _SAID.get(a.feature, a.feature)
            parts.append(
                prompts.render("feature_instead", seed, instead=instead, feature=asked, **where)
            )
    updates["pending"] = "offer_test_drive"
    if unlisted := [_SAID.get(a.feature, a.feature) for a in found if not (a.listed or a.instead)]:
        asked = fmt.joined(unlisted)
        updates.update({"pending": "offer_check", "check": {"stock": v["stock"], "feature": asked}})
        parts.append(prompts.render("feature_unlisted", seed, feature=asked, **where))
    return " ".join(parts)


def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Searches for several models as one result: the first of each, then the rest."""
    firsts = [r["vehicles"][0] for r in results if r["vehicles"]]
    rest = [v for r in results for v in r["vehicles"][1:]]
    closest = next((r["alternatives"] for r in results if r.get("alternatives")), None)
    return {
        "vehicles": firsts + rest,
        "total": sum(int(r.get("total", len(r["vehicles"]))) for r in results),
        "unavailable_matches": [v for r in results for v in r.get("unavailable_matches") or []],
        **({"alternatives": closest} if closest and not firsts else {}),
    }


def search_text(
    results: list[dict[str, Any]], m: Understanding, seed: str, updates: SlotUpdate
) -> str:
    """What the inventory searches found (`results`: the first search, then any wider ones)."""
    first, last = results[0], results[-1]
    found = last["vehicles"]
    closest: list[dict[str, Any]] = next(
        (r["alternatives"] for r in reversed(results) if r.get("alternatives")), []
    )
    if not found and closest:  # the model asked for is not here: the closest ones that are
        return _alternatives_text(first, closest, m, seed, updates)
    if not found:
        gone = first.get("unavailable_matches") or []
        if gone:
            return prompts.render(
                "only_unavailable", seed, title=gone[0]["title"], status=gone[0]["status"]
            )
        return prompts.render("no_match", seed)
    lines = "; ".join(fmt.vehicle_line(v) for v in found[:3])
    updates["pending"] = "offer_test_drive"
    updates.update(shown_updates(found[:3]))  # "the last one" is the last one the shopper saw
    if facts := _facts_of_found(first, found, m, seed, updates):  # "is the civic a manual"
        return facts
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


_LIST_ASKED = re.compile(r"\b(?:any|anything|do (?:you|u|ya) (?:have|got)|got any|show me)\b", re.I)


def _facts_of_found(
    first: dict[str, Any],
    found: list[dict[str, Any]],
    m: Understanding,
    seed: str,
    updates: SlotUpdate,
) -> str:
    """A first question naming a model and asking a fact ("range on the ioniq 6", "is the
    civic a manual"): the fact for each match (up to three), not a plain list; "" otherwise."""
    q = m.query
    if not (m.feature and (q.model or q.stock)):
        return ""
    if not first["vehicles"]:  # none listed with it ("is the elantra n line a manual"): the car
        found = [v for v in found if v.get("model") == q.model and _trim_fits(q.trim, v)]
    if not 1 <= len(found) <= 3 or _LIST_ASKED.search(m.text) or vehicle_facts.is_colour(m.feature):
        return ""
    updates.update(shown_updates(found))
    if len(found) == 1:  # "turbo?" next: about this one
        updates["vehicle_of_interest"] = found[0]["stock"]
    parts = [feature_text(v, m.feature, seed, updates) for v in found]
    if len(found) > 1:  # several answers: the check offered is for none in particular
        updates.pop("check", None)
        updates["pending"] = "offer_test_drive"
        parts = [_OFFER.sub("", p).strip() for p in parts]
    answer = " ".join(parts)
    return f"{fmt.vehicle_line(found[0])}. {answer}" if _ALSO_ASKS.search(m.text) else answer


def _trim_fits(trim: str | None, v: dict[str, Any]) -> bool:
    return not trim or trim.lower() in str(v.get("trim") or "").lower()


_OFFER = re.compile(r"(?:,? so I can't say for sure)?\.? (?:Want|Should) [^?]*\?$")


def _alternatives_text(
    first: dict[str, Any],
    closest: list[dict[str, Any]],
    m: Understanding,
    seed: str,
    updates: SlotUpdate,
) -> str:
    """Not in stock (sold, on hold, or never carried): say so, then the closest available
    vehicles of any make, with price and stock number; they become the vehicles shown."""
    lines = "; ".join(fmt.vehicle_line(v) for v in closest[:3])
    updates["pending"] = "offer_test_drive"
    updates.update(shown_updates(closest[:3]))
    gone = (first.get("unavailable_matches") or [None])[0]
    if gone is not None:
        return prompts.render(
            "unavailable_with_similar",
            seed,
            title=gone["title"],
            status=gone["status"],
            lines=lines,
        )
    asked = " ".join(p for p in (m.query.make, m.query.model) if p) or "model like that"
    return prompts.render("not_carried_alternatives", seed, title=asked, lines=lines)


def which_one_text(candidates: Sequence[ShownVehicle], seed: str) -> str:
    """ "Which one do you mean: the Tacoma, the F-150 or the Silverado 1500?" """
    return prompts.render("which_vehicle", seed, options=references.which_one(candidates))


def _unavailable_text(
    by_name: dict[str, list[dict[str, Any]]],
    seed: str,
    *,
    title: str | None,
    status: str,
    stock: str | None,
) -> str:
    """The vehicle asked about is sold or on hold: say so, and offer a similar one that a
    search this turn found, if any."""
    similar = _similar(by_name, exclude=stock)
    return prompts.render("vehicle_unavailable", seed, title=title, status=status, similar=similar)


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
