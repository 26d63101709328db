"""Replies to `compare_vehicles`: two or three vehicles side by side (price, mileage, colour,
and the features only one lists), or one attribute between them (the winner with its value,
a tie, or what the listings don't state). Facts come from the tool result; the words from
`agent/prompts/replies.yaml`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agent import prompts
from agent.dialogue import shown_updates
from agent.engines.offline import formatting as fmt
from agent.engines.offline.understand import Understanding
from agent.engines.offline.vehicle_replies import _SAID
from contracts.dialogue import Slots, SlotUpdate

# How an attribute reads: (what the winner has, the noun when the listings don't state it)
_WHAT = {
    "price": ("the lower price", "price"),
    "mileage": ("fewer miles", "mileage"),
    "year": ("the newer model year", "model year"),
    "features": ("more features listed", "features"),
    "range": ("more range", "range"),
    "mpg": ("better fuel economy", "fuel economy"),
    "seats": ("more seats", "seating"),
    "towing": ("the highest towing capacity", "towing capacity"),
    "clearance": ("the most ground clearance", "ground clearance"),
    "horsepower": ("the most horsepower", "horsepower"),
}
_MOST_WHAT = {
    "price": "the lowest price",
    "mileage": "the fewest miles",
    "year": "the newest model year",
    "features": "the most features listed",
    "range": "the most range",
    "mpg": "the best fuel economy",
    "seats": "the most seats",
}
_HIGHER = {"price": "the higher price", "mileage": "more miles", "year": "the older model year"}


def text(
    result: dict[str, Any],
    m: Understanding,
    slots: Slots,
    seed: str,
    updates: SlotUpdate,
) -> str:
    """The comparison asked for, then an offer of a test drive. After one attribute the winner
    is the vehicle in focus ("ok can i drive that one"); after a whole comparison none is."""
    if "error" in result:
        return prompts.render("vehicle_not_found", seed)
    views = result["vehicles"]
    names = short_names(views)
    updates["pending"] = "offer_test_drive"
    shown = [str(s) for s in slots.get("vehicles_shown") or []]
    if not all(v["stock"] in shown for v in views):  # named, not picked from a list
        listed = shown_updates(views)
        updates.update(listed)
        shown = listed.get("vehicles_shown") or []
    # in play for "which one's cheaper" until another list is shown (`understand.compared`);
    # after "which tows the most" of a list, "which is cheapest" is of the list again
    most = m.comparison is not None and m.comparison.asked.superlative
    updates["compared"] = {"stocks": [] if most else [v["stock"] for v in views], "among": shown}
    attribute = result.get("attribute")
    if attribute is None:
        updates["vehicle_of_interest"] = None
        return _whole(result, views, names, seed)
    winner = result.get("winner")
    updates["vehicle_of_interest"] = winner
    if attribute == "feature":
        return _feature(result, views, names, seed, updates)
    if m.comparison is not None and m.comparison.asked.each:  # "price on each"
        updates["vehicle_of_interest"] = None
        return _each(result, views, seed)
    return _one(result, views, names, seed, updates, m)


def _each(result: dict[str, Any], views: Sequence[Mapping[str, Any]], seed: str) -> str:
    """Every one's value ("price on each"), in the order compared; a listing that doesn't
    state it said so."""
    attribute = result["attribute"]
    words = result.get("stated") or {}
    values: dict[str, Any] = result["values"]
    verb = {"price": "is", "year": "is a"}.get(attribute, "has")
    lines = [
        f"the {v['title']} (stock {v['stock']}) "
        + (
            f"{verb} {_said(attribute, values[v['stock']], words.get(v['stock']))}"
            if values.get(v["stock"]) is not None
            else f"doesn't state its {_WHAT[attribute][1]} in the listing"
        )
        for v in views
    ]
    text = "; ".join(lines)
    return prompts.render(
        "compare_each",
        seed,
        lines=f"{text[0].upper()}{text[1:]}",
        any="either one" if len(views) == 2 else "any of them",
    )


def _whole(
    result: dict[str, Any], views: Sequence[Mapping[str, Any]], names: dict[str, str], seed: str
) -> str:
    lines = "; ".join(_line(v) for v in views)
    shared = result.get("shared") or []
    both = "Both" if len(views) == 2 else "All three"
    common = (
        prompts.render("compare_shared", seed, all=both, features=fmt.joined(shared))
        if shared
        else ""
    )
    own = [
        prompts.render("compare_only", seed, name=names[s], features=fmt.joined(list(f)))
        for s, f in result["only"].items()
        if f
    ]
    only = "; ".join(own)
    only = f" {only[0].upper()}{only[1:]}." if only else ""
    return prompts.render(
        "compare_whole",
        seed,
        lines=lines,
        shared=f" {common}" if shared else "",
        only=only,
        any="either one" if len(views) == 2 else "any of them",
    )


def _one(
    result: dict[str, Any],
    views: Sequence[Mapping[str, Any]],
    names: dict[str, str],
    seed: str,
    updates: SlotUpdate,
    m: Understanding,
) -> str:
    attribute = result["attribute"]
    values: dict[str, Any] = result["values"]
    words = result.get("stated") or {}
    said = {s: _said(attribute, x, words.get(s)) for s, x in values.items() if x is not None}
    by_stock = {v["stock"]: v for v in views}
    what, noun = _WHAT[attribute]
    what = _MOST_WHAT.get(attribute, what) if len(views) > 2 else what  # of three or more
    unknown = [s for s, x in values.items() if x is None]
    if not said:  # "which has more range" with neither listing stating it
        _offer_check(updates, views, noun)
        return prompts.render("compare_unknown", seed, names=_names(names, unknown), what=noun)
    if result.get("tie"):
        updates["vehicle_of_interest"] = None
        leaders = [s for s in said if s not in unknown]
        value = said[leaders[0]]
        text = prompts.render("compare_tie", seed, names=_names(names, leaders), value=value)
    else:
        winner = result["winner"]
        want = m.comparison.asked.want if m.comparison is not None else 0
        if attribute in _HIGHER and want == (1 if attribute != "year" else -1):
            # "which is pricier", "which has more miles", "which is older": the other end
            winner = _other_end(values, want)
            updates["vehicle_of_interest"] = winner
            what = _HIGHER[attribute]
        others = [f"{said[s]} on the {names[s]}" for s in said if s != winner]
        text = prompts.render(
            "compare_winner",
            seed,
            title=by_stock[winner]["title"],
            stock=winner,
            what=what,
            value=said[winner],
            others=fmt.joined(others) if others else None,
        )
    if unknown:  # said before the closing question ("... Want to test drive it?")
        not_stated = prompts.render("compare_not_stated", seed, names=_names(names, unknown))
        head, dot, ask = text.rpartition(". ")
        text = (
            f"{head}. {not_stated} {ask}" if dot and ask.endswith("?") else f"{text} {not_stated}"
        )
    return text


def _feature(
    result: dict[str, Any],
    views: Sequence[Mapping[str, Any]],
    names: dict[str, str],
    seed: str,
    updates: SlotUpdate,
) -> str:
    """Which of them lists a feature ("which is awd"): in the listing's own words."""
    feature = str(result.get("feature") or "")
    asked = _SAID.get(feature, feature)  # the feature as a sentence says it
    listed = {s: w for s, w in result["values"].items() if w}
    missing = [v["stock"] for v in views if v["stock"] not in listed]
    if not listed:
        _offer_check(updates, views, asked)
        none = "Neither listing" if len(views) == 2 else "None of the listings"
        return prompts.render(
            "compare_neither", seed, none=none, names=_names(names, missing), feature=asked
        )
    has = fmt.joined([f"the {names[s]} (stock {s}) lists {w}" for s, w in listed.items()])
    if not missing:
        updates["vehicle_of_interest"] = None
        every = "Both" if len(views) == 2 else "They all"
        return prompts.render("compare_all_have", seed, all=every, has=has)
    if len(listed) > 1:
        updates["vehicle_of_interest"] = None
    has = f"Only {has}" if len(listed) == 1 else f"{has[0].upper()}{has[1:]}"
    return prompts.render(
        "compare_some_have",
        seed,
        has=has,
        names=_names(names, missing),
        feature=asked,
        which="it" if len(listed) == 1 else "one of them",
    )


def _other_end(values: dict[str, Any], want: int) -> str:
    known = {s: x for s, x in values.items() if x is not None}
    return max(known, key=lambda s: want * known[s])


def _offer_check(updates: SlotUpdate, views: Sequence[Mapping[str, Any]], asked: str) -> None:
    stocks = " and ".join(v["stock"] for v in views)
    updates.update({"pending": "offer_check", "check": {"stock": stocks, "feature": asked}})


def _said(attribute: str, value: Any, words: str | None) -> str:
    if words:  # "38 mpg combined", "294-mile EPA range": the listing's own words
        return words
    if attribute == "price":
        return fmt.money(value)
    if attribute == "mileage":
        return f"{int(value):,} mi"
    if attribute == "features":
        return f"{value} features listed"
    return str(value)


def _line(v: Mapping[str, Any]) -> str:
    """ "the 2026 Hyundai Tucson SEL AWD (stock TN101) is $33,890, Amazon Gray, 12 mi" """
    bits = [fmt.money(v["price"])]
    if v.get("color"):
        bits.append(str(v["color"]))
    bits.append(f"{int(v['mileage']):,} mi")
    return f"the {v['title']} (stock {v['stock']}) is {', '.join(bits)}"


def _names(names: dict[str, str], stocks: Sequence[str]) -> str:
    return fmt.joined([f"the {names[s]} (stock {s})" for s in stocks])


def short_names(views: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """A short name for each that tells them apart: the model, with the trim word only it has
    ("Tucson Hybrid", "Tucson SEL AWD"), else its year or colour, else the stock number."""
    names: dict[str, str] = {}
    for v in views:
        twins = [o for o in views if o["model"] == v["model"] and o["stock"] != v["stock"]]
        model = str(v["model"] or v["make"])
        if not twins:
            names[v["stock"]] = model
            continue
        trim = _words(v.get("trim"))
        theirs = set().union(*(_words(o.get("trim")) for o in twins))
        own = [w for w in trim if w not in theirs]
        if own:
            names[v["stock"]] = f"{model} {own[0]}"
            continue
        same_trim = [o for o in twins if o.get("trim") == v.get("trim")]
        if v.get("trim") and not same_trim:
            names[v["stock"]] = f"{model} {v['trim']}"
        elif all(o.get("year") != v.get("year") for o in same_trim or twins):
            names[v["stock"]] = f"{v['year']} {model}" + (f" {v['trim']}" if same_trim else "")
        else:
            names[v["stock"]] = f"{model} {v['stock']}"
    return names


def _words(trim: Any) -> list[str]:
    return re.findall(r"[\w.-]+", str(trim or ""))
