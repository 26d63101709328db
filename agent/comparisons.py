"""Comparing two or three vehicles: which ones a message means, what it compares, and the
comparison itself, read from the listings only. Pure: no I/O.

`asked` finds a comparison in a message: a whole one ("whats the difference between the first
two", "the tucson hybrid vs the sel") or one attribute ("which has less miles", "which one's
cheaper", "which is awd", "which has more range"). `agent.picking.picked` finds the vehicles
meant among those shown (ordinals, descriptions, trims), stock numbers, or models named;
`compare` builds the comparison the `compare_vehicles` tool returns. Both engines answer from
it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent import vehicle_facts
from agent.nlu.vehicle_search import search
from agent.nlu.vehicle_words import CONCEPTS
from agent.picking import picked
from contracts.dialogue import ShownVehicle

ATTRIBUTES = (
    "price", "mileage", "year", "features", "range", "mpg", "seats", "towing", "clearance",
    "horsepower", "feature",
)  # fmt: skip
# Attributes only a listing states (its features or spec sheet): a superlative over a list
# ("which tows the most") is answered from each listing, not by a sorted search.
LISTED = frozenset({"features", "range", "mpg", "seats", "towing", "clearance", "horsepower"})
MOST = 5  # vehicles one attribute is compared across ("which of these tows the most")


@dataclass(frozen=True)
class Asked:
    """What a comparison asks: `attribute` None for a whole comparison; `want` +1 for the
    highest value (newer, more range), -1 for the lowest (cheaper, fewer miles); `feature`
    the canonical feature word when the attribute is "feature" ("awd", "moonroof")."""

    attribute: str | None = None
    want: int = 1
    feature: str | None = None
    superlative: bool = False
    named: bool = False  # asked as "X or Y cheaper?": only with both sides named
    each: bool = False  # "price on each", "miles on both": every value, no winner


_WHOLE = re.compile(
    r"\b(?:differen(?:ce|ces)|(?:the|what'?s the|whats the) diff|compare[sd]?|comparison|vs\.?"
    r"|versus|v\.s\.?|how (?:are|r|is) (?:they|those|these|em|the \w+(?: \w+)?) different"
    r"|what(?:'s| is|s)? different"
    r"|stack up|side by side|pros and cons|which (?:one |1 )?(?:is|would be|'s) better"
    r"|which (?:one |1 )?(?:should|would) (?:i|u|you) (?:get|go with|pick|buy|choose|recommend)"
    r"|torn between|deciding between|decide between|choose between)\b",
    re.IGNORECASE,
)
# One attribute, comparative: (pattern, attribute, want). Superlatives ("the least miles")
# read the same when two or three are in play.
_ONE: tuple[tuple[re.Pattern[str], str, int], ...] = tuple(
    (re.compile(p, re.IGNORECASE), attribute, want)
    for p, attribute, want in (
        (r"\b(?:cheaper|less expensive|lower[- ]priced|costs? less|more affordable|cheapest"
         r"|least expensive|lowest price)\b", "price", -1),
        (r"\b(?:pricier|more expensive|costs? more|higher[- ]priced|most expensive|priciest)\b",
         "price", 1),
        (r"\b(?:better (?:gas |fuel )?(?:mpg|mileage)|more (?:fuel[- ])?efficient|better on gas"
         r"|(?:more|higher|best|most) mpg|best (?:gas )?mileage|most efficient)\b", "mpg", 1),
        (r"\b(?:(?:less|fewer|lower|least|fewest|lowest)\s*(?:miles|mileage|mi|odometer)"
         r"|less driven|least driven)\b", "mileage", -1),
        (r"\b(?:(?:more|higher|most|highest)\s*(?:miles|mileage))\b", "mileage", 1),
        (r"\b(?:newer|more recent|newest|latest|younger)\b", "year", 1),
        (r"\b(?:older|oldest)\b", "year", -1),
        (r"\b(?:more|longer|better|most|longest|best|further|farther)\s+(?:electric\s+)?range"
         r"|\b(?:goes?|gets?|drives?) (?:the )?(?:further|farther|furthest|farthest)\b",
         "range", 1),
        (r"\b(?:more|most) (?:seats|seating|room|passengers)\b|\bseats? (?:more|the most)\b",
         "seats", 1),
        (r"\b(?:tows?|pulls?|hauls?|can (?:tow|pull|haul))\s+(?:the\s+)?(?:most|more|heavier"
         r"|heaviest)\b|\b(?:more|most|higher|highest|best|biggest|better|max(?:imum)?)\s+"
         r"(?:tow(?:ing)?(?: capacity| rating)?|towing)\b|\bbest (?:for|at) towing\b", "towing", 1),
        (r"\b(?:more|most|higher|highest|best|better|greatest|biggest)\s+(?:ground\s+)?clearance"
         r"\b|\bsits? (?:the )?(?:higher|highest)\b", "clearance", 1),
        (r"\b(?:more|most|higher|highest)\s+(?:hp|horsepower|power)\b|\b(?:more|most) powerful\b",
         "horsepower", 1),
        (r"\b(?:more|most|better) (?:features|options|equipped|stuff|loaded)\b"
         r"|\bbetter equipped\b|\bmore loaded\b", "features", 1),
    )
)  # fmt: skip
_WHICH = re.compile(r"\b(?:which|wich|whch|what one|whichever)\b", re.IGNORECASE)
_OR = re.compile(r"\bor\b|\bvs\.?(?!\w)|\bversus\b", re.IGNORECASE)
# "which one is awd", "which has a sunroof", "which of them has heated seats"
_WHICH_HAS = re.compile(
    r"\b(?:which|wich)\s+(?:one\s+|1\s+|of\s+(?:them|those|these|the\s+(?:two|2|three|3))\s+)?"
    r"(?:is|has|have|got|comes?\s+with|gets?|'s)\s+(?:a\s+|an\s+|the\s+)?(?P<f>[^?.!,;]+)",
    re.IGNORECASE,
)
_MOST = re.compile(r"\b(?:\w+est|least|most)\b", re.IGNORECASE)


def asked(text: str, known: Sequence[str] = ()) -> Asked | None:
    """The comparison `text` asks for, or None. One attribute needs a "which" (or "X or Y"):
    "the cheaper one" picks a vehicle, it asks nothing. `known` are the inventory's feature
    words, so "which has the harman kardon" counts."""
    said = text.strip()
    which = bool(_WHICH.search(said))
    if which or _OR.search(said):
        for pattern, attribute, want in _ONE:
            if (found := pattern.search(said)) is not None:
                superlative = bool(_MOST.search(found.group(0)))
                return Asked(attribute, want, superlative=superlative, named=not which)
        if which and (has := _WHICH_HAS.search(said)) is not None:
            feature = vehicle_facts.asked_feature(f"is it {has.group('f')}?", known)
            if feature and not vehicle_facts.is_colour(feature):
                return Asked("feature", 1, feature=feature)
    every = _EACH.search(said) or _EVERY.search(said)
    if every is not None and (fact := _NOT_EACH.search(said)) is not None:
        # "price on each", "miles on both", "how much are they each": every one's value
        return Asked(_FACTS[fact.lastgroup or "price"], each=True)
    if (each := _EACH.search(said)) is not None:  # "leather in either?", "mpg on each"
        rest = _EACH.sub(" it ", said) if each.group("who") else _EACH.sub(" ", said)
        feature = vehicle_facts.asked_feature(rest.strip().rstrip("?") + "?", known)
        if feature in _SPEC_ATTRIBUTES:  # "how many seats in each", "mpg on both"
            return Asked(_SPEC_ATTRIBUTES[feature], each=True)
        if feature and not vehicle_facts.is_colour(feature):
            return Asked("feature", 1, feature=feature)
    if _WHOLE.search(said):
        return Asked()
    return None


# A question asked of every one in play: "do both have", "in either", "on each", "same hp?"
_EACH = re.compile(
    r"\s+(?:in|on|for|of)\s+(?:each|either|both|all (?:three|3))(?:\s+(?:one|of (?:them|em)))?\b"
    r"|\b(?P<who>both|they|all three|each (?:one|of them))\b(?=\s+(?:have|has|got|come))"
    r"|^\W*same\b|^\W*(?:(?:are|r)\s+)?(?:they\s+)?(?:both|all three|all of them)\b",
    re.IGNORECASE,
)
# Every one's price, miles or year ("price on each", "how much are both", "what year is each")
_EVERY = re.compile(
    r"\b(?:each|both|all (?:of )?(?:them|em|those|these|three|3)|all three)\b"
    r"|\bhow much (?:are|r) (?:they|those|these|them)\b",
    re.IGNORECASE,
)
_NOT_EACH = re.compile(
    r"\b(?P<price>prices?|priced|costs?|how much(?!\s+(?:can|could|will|would|do|does)\b))\b"
    r"|\b(?P<mileage>miles|mileage|odometer)\b|\b(?P<year>years?|how old)\b",
    re.IGNORECASE,
)
_FACTS = {"price": "price", "mileage": "mileage", "year": "year"}
# What-questions (`vehicle_facts.SPECS`) that a listing states as a number to compare
_SPEC_ATTRIBUTES = {
    "mpg": "mpg", "range": "range", "seating": "seats", "towing": "towing",
    "clearance": "clearance", "horsepower": "horsepower",
}  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """A comparison asked for and the vehicles it is between (stock numbers, in order)."""

    stocks: tuple[str, ...]
    asked: Asked

    def args(self) -> dict[str, Any]:
        """The `compare_vehicles` tool's arguments."""
        args: dict[str, Any] = {"stocks": list(self.stocks)}
        if self.asked.attribute:
            args["attribute"] = self.asked.attribute
        if self.asked.feature:
            args["feature"] = self.asked.feature
        return args


def comparison(
    text: str,
    shown: Sequence[ShownVehicle],
    inventory: Sequence[Any] = (),
    in_play: Sequence[str] = (),
) -> Comparison | None:
    """The comparison `text` asks for between two or three vehicles it names, shown, or in
    play (`in_play`: the last compared); None when it asks none or names fewer than two."""
    question = asked(text, sorted({str(f) for v in inventory for f in v.features}))
    if question is None:
        return None
    most = MOST if question.each or question.attribute in LISTED else 3
    play = () if question.named else in_play
    stocks = picked(text, shown, inventory, play, question.named, most=most)
    return Comparison(stocks[:most], question) if len(stocks) >= 2 else None


def across(found: Comparison, matches: Sequence[Any]) -> Comparison:
    """A superlative of a listed number ("which tows the most") asked of a list that showed
    fewer vehicles than its search matched: between the `MOST` of all `matches` (records)
    whose listings state it, best first; as asked when fewer than two state it."""
    attribute = found.asked.attribute
    if attribute not in LISTED or attribute == "features":
        return found
    valued = [(x, v.stock) for v in matches if (x := value(_record_view(v), attribute)) is not None]
    valued.sort(key=lambda pair: -pair[0])
    stocks = tuple(stock for _, stock in valued[:MOST])
    return Comparison(stocks, found.asked) if len(stocks) >= 2 else found


def searched(args: Mapping[str, Any], vehicles: Sequence[Any], vocabulary: Any) -> list[Any]:
    """Every vehicle of `vehicles` the search `args` (a `search_inventory` call) matches."""
    given = {k: v for k, v in args.items() if k != "sort" and v not in (None, "", [])}
    try:
        query = vocabulary.normalise(**given)
    except (TypeError, ValueError):
        return []
    return search(list(vehicles), query, vocabulary=vocabulary, limit=1000)


def _record_view(vehicle: Any) -> dict[str, Any]:
    specs = getattr(vehicle, "specs", None)
    return {"features": list(vehicle.features), "specs": specs.stated() if specs else {}}


# -- the comparison ----------------------------------------------------------------------

_RANGE = re.compile(
    r"(\d{2,3})[- ]?(?:mile|mi)\b[^,]*\brange|\brange\b\D{0,12}(\d{2,3})\s*(?:mi|miles)\b",
    re.IGNORECASE,
)
_MPG = re.compile(r"(\d{2,3})\s*mpg", re.IGNORECASE)
_SEATS = re.compile(
    r"\b(two|four|five|six|seven|eight|nine|\d)[- ](?:passenger|seat(?:er)?s?)\b", re.IGNORECASE
)
_TOWING = re.compile(
    r"(\d{1,2},\d{3}|\d{3,5})\s?-?\s?(?:lbs?|pounds?)?\b.*\btow|\btow.*?(\d{1,2},\d{3}|\d{3,5})",
    re.IGNORECASE,
)
_CLEARANCE = re.compile(
    r"(\d{1,2}(?:\.\d)?)\s?-?\s?(?:inch|in\.?|\")(?:es)?\s+(?:of\s+)?(?:ground\s+)?clearance"
    r"|\bclearance\D{0,12}(\d{1,2}(?:\.\d)?)\s?(?:inch|in\b|\")",
    re.IGNORECASE,
)
_HORSEPOWER = re.compile(r"(\d{2,4})[- ]?(?:horsepower|hp)\b", re.IGNORECASE)
_PATTERNS = {
    "range": _RANGE, "mpg": _MPG, "seats": _SEATS, "towing": _TOWING, "clearance": _CLEARANCE,
    "horsepower": _HORSEPOWER,
}  # fmt: skip
_WORDS = {"two": 2, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def value(view: Mapping[str, Any], attribute: str, feature: str | None = None) -> Any:
    """The attribute of one vehicle (its tool view) as the listing states it; None when it
    doesn't. "feature": the listing's words for `feature`, or None."""
    if attribute in ("price", "mileage", "year"):
        return view.get(attribute)
    features = [str(f) for f in view.get("features") or []]
    if attribute == "features":
        return len(features)
    if attribute == "feature":
        return vehicle_facts.check(dict(view), feature or "").listed
    if (words := stated(view, attribute)) is None:
        return None
    found = _PATTERNS[attribute].search(words)
    number = next(g for g in found.groups() if g).replace(",", "") if found else ""
    if re.fullmatch(r"\d+\.\d", number):  # "9.3-inch ground clearance"
        return float(number)
    return int(number) if number.isdigit() else _WORDS.get(number.lower())


def stated(view: Mapping[str, Any], attribute: str) -> str | None:
    """The listing's own words for range, mpg, seats, towing, ground clearance or horsepower
    ("38 mpg combined", "14,000-lb towing capacity"), its spec sheet's too; None if none."""
    pattern = _PATTERNS.get(attribute)
    texts = [str(f) for f in view.get("features") or []] + vehicle_facts.listing_facts(dict(view))
    return next((t for t in texts if pattern and pattern.search(t)), None)


def compare(
    views: Sequence[Mapping[str, Any]], attribute: str | None = None, feature: str | None = None
) -> dict[str, Any]:
    """The comparison of two or three vehicles (tool views, in the order asked): each one's
    own features (`only`), those they all list (`shared`), and for one attribute each one's
    value (`values`, None where the listing doesn't say), the `winner` and whether they `tie`."""
    result: dict[str, Any] = {
        "vehicles": [dict(v) for v in views],
        "only": {v["stock"]: _own(v, views) for v in views},
        "shared": [f for f in views[0].get("features") or [] if _everywhere(f, views)],
    }
    if attribute is None:
        return result
    if attribute == "seats" and all(value(v, "seats") is None for v in views):
        attribute, feature = "feature", "third row"  # no counts listed: who lists a 3rd row
    values = {v["stock"]: value(v, attribute, feature) for v in views}
    result.update(attribute=attribute, values=values)
    if attribute in _PATTERNS:
        result["stated"] = {v["stock"]: stated(v, attribute) for v in views}
    if feature:
        result["feature"] = feature
    known = {s: x for s, x in values.items() if x is not None}
    if attribute == "feature":
        result["winner"] = next(iter(known)) if len(known) == 1 else None
        result["tie"] = len(known) == len(values)
        return result
    if not known:
        result.update(winner=None, tie=False)
        return result
    want = -1 if attribute in ("price", "mileage") else 1
    best = max(known.values()) if want > 0 else min(known.values())
    leaders = [s for s, x in known.items() if x == best]
    result.update(winner=leaders[0] if len(leaders) == 1 else None, tie=len(leaders) > 1)
    return result


def _own(view: Mapping[str, Any], views: Sequence[Mapping[str, Any]]) -> list[str]:
    others = [v for v in views if v["stock"] != view["stock"]]
    return [f for f in view.get("features") or [] if not any(_lists(o, f) for o in others)]


def _everywhere(feature: str, views: Sequence[Mapping[str, Any]]) -> bool:
    return all(_lists(v, feature) for v in views[1:])


def _lists(view: Mapping[str, Any], feature: str) -> bool:
    """Whether `view` lists `feature` (another vehicle's words): the same words, or the same
    feature concept ("AWD" and "HTRAC AWD"). A number is a fact of its own: "9,000-lb
    towing capacity" is not listed by "6,400-lb towing capacity", nor "trailer tow package"."""
    said = feature.lower()
    theirs = [str(f).lower() for f in view.get("features") or []]
    if said in theirs:
        return True
    if _DIGIT.search(said):
        return False
    concepts = [listed for _, _, listed in CONCEPTS if listed.search(said)]
    return any(c.search(t) for c in concepts for t in theirs if not _DIGIT.search(t))


_DIGIT = re.compile(r"\d")
