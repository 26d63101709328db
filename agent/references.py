"""Which of the vehicles just shown a message points at: pure, no I/O.

"it", "that one" -> the vehicle in focus; "the second one", "the last one" -> by position;
"the cheapest", "newest", "lowest miles" -> by a fact; "the blue one", "the truck",
"the tacoma", "the chevy" -> by description (then a superlative or ordinal among those).
When several fit and nothing picks one, the result names the candidates so the assistant can
ask ("the Tacoma, the F-150 or the Silverado?") instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from agent.nlu.vehicle_words import BODY_WORDS, COLOR_WORDS, MAKE_ALIASES, compact, paint_colours
from contracts.dialogue import ShownVehicle


@dataclass(frozen=True)
class Reference:
    """`stock` when one vehicle is meant; else `candidates` (two or more) when the message
    points at the shown vehicles without saying which."""

    stock: str | None = None
    candidates: tuple[ShownVehicle, ...] = ()
    by: str = ""  # "ordinal", "superlative", "description", "pronoun"


_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "last": -1, "bottom": -1, "top": 0,
}  # fmt: skip
_NOUN = r"(?:one|1|car|truck|suv|vehicle|option|listing|choice|pick|van|sedan|on the list)"
_ORDINAL = re.compile(
    r"\b(?:(?:the|that|this|ur|your)\s+(?P<a>first|1st|second|2nd|third|3rd|fourth|4th|fifth"
    r"|5th|last|bottom|top)\b(?!\s+(?:time|week|month|year|night|thing|question))"
    r"|(?P<b>first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\s+" + _NOUN + r"\b"
    r"|(?P<c>number\s*|no\.?\s*)(?P<n>[1-5])\b)"
    r"|(?<![\w#])#(?P<h>[1-5])\b",
    re.IGNORECASE,
)
_LOW, _HIGH = -1, 1
# (pattern, the fact compared, lowest or highest); superlatives only: "anything cheaper?" asks
# for a new search, not for one of these.
_SUPERLATIVES: tuple[tuple[re.Pattern[str], str, int], ...] = (
    (
        re.compile(r"\b(most expensive|priciest|highest[- ]priced?|most \$+|expensive one)\b"),
        "price",
        _HIGH,
    ),
    (
        re.compile(
            r"\b(cheapest|least expensive|lowest[- ]priced?|most affordable"
            r"|cheap one|least \$+|lowest price|best price|budget one)\b"
        ),
        "price",
        _LOW,
    ),
    (
        re.compile(
            r"\b(lowest|least|fewest)\s*(miles|mileage|mi|odometer)\b"
            r"|\bleast driven\b"
        ),
        "mileage",
        _LOW,
    ),
    (
        re.compile(r"\b(highest|most)\s*(miles|mileage|mi)\b"),
        "mileage",
        _HIGH,
    ),
    (re.compile(r"\b(newest|latest|most recent|youngest)\b"), "year", _HIGH),
    (re.compile(r"\b(oldest)\b"), "year", _LOW),
    # "the cheaper one", "the newer one": between two, the comparative picks like the superlative
    (
        re.compile(r"\b(cheaper|less expensive|lower[- ]priced) (one|1)\b|\bthe cheaper\b"),
        "price",
        _LOW,
    ),
    (re.compile(r"\b(pricier|more expensive) (one|1)\b|\bthe pricier\b"), "price", _HIGH),
    (re.compile(r"\b(newer) (one|1)\b|\bthe newer\b"), "year", _HIGH),
    (re.compile(r"\b(older) (one|1)\b|\bthe older\b"), "year", _LOW),
    (re.compile(r"\b(lower|less) (miles|mileage)( one)?\b"), "mileage", _LOW),
)
_PRONOUN = re.compile(
    r"\b(it|that|this|the same|that one|this one|the one|same one|her|him)\b", re.IGNORECASE
)
_OTHER = re.compile(r"\b(the other|another one|other one)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")


def resolve(
    text: str,
    shown: Sequence[ShownVehicle],
    focus: str | None = None,
    model: str | None = None,
) -> Reference:
    """The vehicle `text` refers to among `shown` (in the order shown); `focus` is the one
    under discussion; `model` the model the message names, if any ("the ram 2500" when only
    a Ram 1500 was shown points at none of them). An empty `Reference` when the message
    points at none of them."""
    if not shown or (model and all(v["model"] != model for v in shown)):
        return Reference()
    said = text.lower()
    described = _described(said, shown)
    pool = described if described is not None else list(shown)
    if described is not None and not described:
        return Reference()  # "the blue one" with no blue one shown: not these
    superlative = _superlative(said)
    if superlative is not None:
        fact, sign = superlative
        known = [(value, v) for v in pool if (value := _fact(v, fact)) is not None]
        if known:
            # ties: the first shown, as the shopper reads the list
            best = max(known, key=lambda pair: (sign * pair[0], -pool.index(pair[1])))
            return Reference(stock=best[1]["stock"], by="superlative")
    index = _ordinal(said)
    if index is not None and (index < len(pool) or index == -1):
        return Reference(stock=pool[index]["stock"], by="ordinal")
    if described is not None:
        if len(described) == 1:
            return Reference(stock=described[0]["stock"], by="description")
        if focus in {v["stock"] for v in described}:
            return Reference(stock=focus, by="description")
        return Reference(candidates=tuple(described), by="description")
    if _OTHER.search(said) and len(shown) == 2 and focus in {v["stock"] for v in shown}:
        return Reference(stock=next(v["stock"] for v in shown if v["stock"] != focus), by="other")
    if _PRONOUN.search(said):
        if focus:
            return Reference(stock=focus, by="pronoun")
        if len(shown) == 1:
            return Reference(stock=shown[0]["stock"], by="pronoun")
        return Reference(candidates=tuple(shown), by="pronoun")
    return Reference()


def label(vehicle: ShownVehicle, among: Sequence[ShownVehicle]) -> str:
    """A short name that tells `vehicle` apart from the others in `among`: the model, then
    with its year or colour (when those tell all of them apart) or stock number."""
    name = vehicle["model"] or vehicle["make"]
    twins = [v for v in among if v["model"] == vehicle["model"]]
    if len(twins) <= 1:
        return name
    if len({v["year"] for v in twins}) == len(twins):  # "the 2026 Odyssey or the 2021 Odyssey"
        return f"{vehicle['year']} {name}"
    colours = [_basic_colour(v["color"]) for v in twins]
    if None not in colours and len(set(colours)) == len(twins):
        return f"{_basic_colour(vehicle['color'])} {name}"
    return f"{name} (stock {vehicle['stock']})"


def which_one(candidates: Sequence[ShownVehicle]) -> str:
    """ "the Tacoma, the F-150 or the Silverado 1500": the candidates, each named apart."""
    names = [f"the {label(v, candidates)}" for v in candidates]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _described(said: str, shown: Sequence[ShownVehicle]) -> list[ShownVehicle] | None:
    """The shown vehicles that every descriptive word of the message fits (colour, body,
    make, model); None when the message describes none."""
    words = _WORD.findall(said)
    squashed = {compact(w) for w in words} | {compact(a + b) for a, b in pairwise(words)}
    pool = list(shown)
    described = False
    colours = {COLOR_WORDS[w] for w in words if w in COLOR_WORDS}
    if colours:
        described = True
        pool = [v for v in pool if _basic_colour(v["color"]) in colours]
    bodies = {BODY_WORDS[_singular(w)] for w in words if _singular(w) in BODY_WORDS}
    if bodies:  # "the truck" among three trucks still points at them (then: which one?)
        described = True
        pool = [v for v in pool if (v["body"] or "").lower() in bodies]
    shared = _shared_heads(shown)
    named = [v for v in shown if _names_model(v, squashed, shared)]
    if named:
        described = True
        pool = [v for v in pool if v in named]
    else:
        makes = {
            v["make"]
            for v in shown
            if compact(v["make"]) in squashed
            or any(MAKE_ALIASES[a] == v["make"] for a in squashed if a in MAKE_ALIASES)
        }
        if makes and len({v["make"] for v in shown}) > 1:
            described = True
            pool = [v for v in pool if v["make"] in makes]
    return pool if described else None


def _names_model(vehicle: ShownVehicle, squashed: set[str], shared: set[str]) -> bool:
    model = compact(vehicle["model"])
    if not model:
        return False
    # "Silverado 1500": "silverado" too, unless another one shown starts so ("Model 3/Y")
    head = compact(vehicle["model"].split(" ")[0])
    own_head = len(head) >= 3 and not head.isdigit() and head not in shared
    keys = {model, head} if own_head else {model}
    return any(k in squashed or k + "s" in squashed for k in keys)


def _shared_heads(shown: Sequence[ShownVehicle]) -> set[str]:
    """First words of model names that more than one shown model has ("model" of Model 3
    and Model Y): they name none of them."""
    heads: dict[str, set[str]] = {}
    for v in shown:
        heads.setdefault(compact(v["model"].split(" ")[0]), set()).add(v["model"])
    return {head for head, models in heads.items() if len(models) > 1}


def sort_asked(text: str) -> str | None:
    """The search order a superlative asks for ("cheapest" -> "price", "newest" -> "-year",
    "lowest miles" -> "mileage"); None when the message has none."""
    found = _superlative(text.lower())
    if found is None:
        return None
    fact, sign = found
    return f"-{fact}" if sign > 0 else fact


def _superlative(said: str) -> tuple[str, int] | None:
    for pattern, fact, sign in _SUPERLATIVES:
        if pattern.search(said):
            return fact, sign
    return None


def _fact(vehicle: ShownVehicle, fact: str) -> float | None:
    facts = {"price": vehicle["price"], "mileage": vehicle["mileage"], "year": vehicle["year"]}
    value = facts[fact]
    return float(value) if value is not None else None


def _ordinal(said: str) -> int | None:
    match = _ORDINAL.search(said)
    if match is None:
        return None
    if match.group("n") or match.group("h"):
        return int(match.group("n") or match.group("h")) - 1
    return _ORDINALS[(match.group("a") or match.group("b")).lower()]


def _basic_colour(colour: str | None) -> str | None:
    basic = sorted(paint_colours(colour))
    return basic[0] if basic else None


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in BODY_WORDS else word
