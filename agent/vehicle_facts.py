"""Whether a vehicle has what the shopper asks about ("does it have a moonroof", "is it a
manual", "v8?"), read from its listing (features, trim, model, body) and never guessed.

`asked_feature` finds the thing asked about in a yes/no question; `check` answers it against
one vehicle: listed (with the listing's own words), listed otherwise ("it's an automatic"), or
not listed. Both engines answer from this (the offline engine's replies, the tools' view)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from agent.nlu.vehicle_words import COLOR_WORDS, CONCEPTS, paint_colours

# "does it have a moonroof", "does the outback come with eyesight", "has it got heated seats",
# "it got carplay?", "any sunroof on it"
_HAS = re.compile(
    r"\b(?:does|did|do|will|would)\s+(?:it|that|this|she|the\s+[\w-]+(?:\s+[\w-]+)?"
    r"|(?:that|this)\s+(?:one|car|truck|suv|van|[\w-]+))\s+(?:still\s+)?(?:have|has|got"
    r"|come\s+with|comes\s+with|include|includes|offer)\s+(?P<f>[^?.!,;]+)"
    r"|\b(?:has|have)\s+(?:it|that|this(?:\s+one)?)\s+got\s+(?P<g>[^?.!,;]+)"
    r"|^\W*(?:and\s+|so\s+|ok\s+)?(?:it|that|this\s+one)\s+(?:has|have|got|come\s+with)"
    r"\s+(?P<h>[^?.!,;]+)\?"
    r"|\b(?:does|do)\s+(?:it|that(?:\s+one)?|this(?:\s+one)?)\s+come\s+(?:w/?|with)\s+(?P<j>[^?.!,;]+)"
    r"|\bany\s+(?P<i>[\w -]+?)\s+(?:on|in)\s+(?:it|that|this\s+one|that\s+one)\b",
    re.IGNORECASE,
)
# "is it a manual", "is that the diesel", "is it 4wd": only for a spec word or a listed feature
_IS = re.compile(
    r"\b(?:is|iz)\s+(?:it|that|this|she|the(?:\s+[\w-]+){1,3}?(?=\s+(?:a|an|the)\s)|the\s+[\w-]+)"
    r"(?:\s+one)?\s+(?:a\s+|an\s+|the\s+)?(?P<f>[^?.!,;]+)",
    re.IGNORECASE,
)
_BARE = re.compile(
    r"^\W*(?:and\s+|also\s+)?(?P<f>[\w -]{2,30}?)\s*(?:\?+|\s+or\s+(?:no|nah|not))\W*$",
    re.IGNORECASE,
)
_OR_NOT = re.compile(r"\s+or\s+(?:no|nah|not|what)\b.*$|\s+right\s*$", re.IGNORECASE)
_ANOTHER_QUESTION = re.compile(
    r"\s*(?:what|whats|what's|how|when|where|why|who|which|is|are|can|could|do|does|will|r|u)\b",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:\band\b|&|\bplus\b|,)\s*", re.IGNORECASE)

# One spelling for the ways people write the same thing.
_SAME = [
    (r"\b(?:sun ?roof|moon ?roof|panoramic roof|pano roof|glass roof)\b", "moonroof"),
    (r"\b(?:4 ?x ?4|4 ?wd|four[- ]?wheel[- ]?drive|4 wheel drive)\b", "4x4"),
    (r"\b(?:awd|all[- ]?wheel[- ]?drive|all[- ]wheel)\b", "awd"),
    (r"\b(?:fwd|front[- ]?wheel[- ]?drive)\b", "fwd"),
    (r"\b(?:rwd|rear[- ]?wheel[- ]?drive)\b", "rwd"),
    (r"\bandroid ?auto\b", "androidauto"),
    (r"\b(?:stick ?shift|stick|manual transmission|\d-speed manual|6mt|mt)\b", "manual"),
    (r"\b(?:automatic transmission|auto transmission|\d+-speed automatic|cvt|auto)\b", "automatic"),
    (r"\b(?:apple ?car ?play|car ?play)\b", "carplay"),
    (r"\b(?:nav|gps|navigation system)\b", "navigation"),
    (r"\b(?:back ?up|rear ?view|reverse|rear) ?cam(?:era)?\b", "backup camera"),
    (r"\b(?:tow(?:ing)? (?:package|pkg|hitch)|trailer hitch|hitch)\b", "tow"),
    (r"\b(?:third|3rd) ?row(?: seating| seats)?\b", "third row"),
    (r"\b(?:locker|e-?locker|locking (?:rear )?diff(?:erential)?|locking diff)\b", "locking diff"),
    (r"\b(?:heated seats?|seat heaters?)\b", "heated seats"),
    (r"\b(?:leather seats?|leather interior)\b", "leather"),
    (r"\b(?:cummins|duramax|power ?stroke|turbo ?diesel|tdi)\b", "diesel"),
    (r"\b(?:hemi v8|v-8|v 8)\b", "v8"),
    (r"\b(?:v-6|v 6)\b", "v6"),
    (r"\b(?:remote start(?:er)?)\b", "remote start"),
    (r"\b(?:blind ?spot(?: monitor(?:ing)?| warning| assist)?)\b", "blind spot"),
    (r"\b(?:eye ?sight)\b", "eyesight"),
    (
        r"\b(?:dvd|tv|screens?|movies?)(?: player| thing| system| screens?)? for (?:the )?kids\b"
        r"|\b(?:rear(?: seat)? )?entertainment(?: system| screens?)?\b|\bdvd(?: player)?\b",
        "rear entertainment",
    ),
    (r"\b(?:ev|electric vehicle|all electric|battery electric)\b", "electric"),
]
_SAME_PATTERNS = [(re.compile(p, re.IGNORECASE), word) for p, word in _SAME]
# Things a vehicle is exactly one of: asked for one, the listing shows another.
_ONE_OF = [
    frozenset({"manual", "automatic"}),
    frozenset({"diesel", "hybrid", "electric"}),
    frozenset({"4x4", "awd", "fwd", "rwd"}),
    frozenset({"v6", "v8"}),
]
# Words asked about a vehicle's make-up (spec words): "is it a <word>" is about the listing.
SPEC_WORDS = frozenset().union(*_ONE_OF) | {
    "turbo",
    "moonroof",
    "carplay",
    "navigation",
    "backup camera",
    "tow",
    "third row",
    "locking diff",
    "heated seats",
    "leather",
    "remote start",
    "blind spot",
    "eyesight",
    "plug-in",
}
_FILLER = re.compile(
    r"\b(?:a|an|the|any|some|got|have|has|on it|in it|by chance|still|also|too|or not|or no"
    r"|pls|please|u know|you know|does it|it|that|this|one|really|actually|factory)\b",
    re.IGNORECASE,
)
# Not a feature of the listing: its status, price, history or paperwork, or a colour.
_NOT_FEATURES = re.compile(
    r"\b(?:available|still there|sold|for sale|in stock|on (?:the )?lot|open|price|cost|miles"
    r"|mileage|clean|certified|new|used|accidents?|warranty|financ\w*|title|lease|worth|ready"
    r"|good|ok|okay|fine|same|one|drive|here|yours|a deal|negotiable|firm|cheaper|cheapest"
    r"|history|carfax|autocheck|records?|recalls?|liens?|payments?|issues?|problems?|damage"
    r"|owners?|smok\w*|pets?|inspect\w*|emissions?|plates?|tags?|registration|keys?"
    r"|red|blue|white|black|silver|gray|grey|green)\b",
    re.IGNORECASE,
)


_IS_COLOUR = re.compile(
    r"\b(?:is|iz)\s+(?:it|that|this|she|the\s+[\w-]+)(?:\s+one)?\s+(?:a\s+)?"
    rf"(?P<c>{'|'.join(COLOR_WORDS)})\b(?:\s+(?:one|color|colour))?\W*(?:or\s+\w+\W*)?$",
    re.IGNORECASE,
)


# What-questions about a spec the listing may state ("what mpg does it get", "how much can it
# tow"): (canonical key, shopper-text pattern, pattern over a listing's lower-cased words).
_SPECS = tuple(
    (key, re.compile(asked, re.IGNORECASE), re.compile(listed))
    for key, asked, listed in (
        ("mpg", r"\b(?:mpg|gas mileage|fuel (?:economy|mileage|efficiency)|miles per gallon"
         r"|(?:good|bad|easy) on gas|how much gas)\b", r"\bmpg\b|miles per gallon"),
        ("clearance", r"\b(?:ground )?clearance\b|\bsits? (?:higher|lower|taller)\b"
         r"|\bhow high (?:does|is) (?:it|she|that|this|the \w+)", r"\bclearance\b"),
        ("range", r"(?<!price )(?<!budget )(?<!long )\brange\b(?! of\b)"
         r"|\bhow far (?:can|does|will|could) (?:it|she|that|this(?: one)?|the \w+)"
         r" (?:go|drive|get)\b|\bmiles (?:on|per|from) (?:a|one|1) (?:full )?charge\b",
         r"\d+[- ]?(?:mile|mi)\b.*\brange|\brange\b\D{0,12}\d"),
        # "how fast does it charge": an EV's charging rate, as its listing writes it
        ("charging", r"\bhow (?:fast|quick(?:ly)?) (?:does|can|will|do) (?:it|she|that"
         r"|this(?: one)?|the \w+(?: \w+)?) (?:charge|fast[- ]charge)\b"
         r"|\bcharg(?:e|ing) (?:speed|rate)\b",
         r"\b\d+ ?kw\b|\bfast[- ]charg"),
        ("seating", r"\bhow many (?:seats|people|passengers|does it seat|can it seat"
         r"|(?:can|will) it (?:fit|hold|carry))|\bseating(?: capacity)?\b"
         r"|\bhow many (?:people|ppl|kids) (?:fit|can)|\bseats how many\b",
         r"\b(?:third|3rd)[- ]row|\b\w+[- ]passenger|\b\d+ seats\b"),
        ("engine", r"\b(?:what|which|wat|whats|what's)\s+(?:kind of |type of |size )?"
         r"(?:engine|motor)|\bengine size\b|\bunder the hood\b"
         r"|\bhow (?:much|many) (?:hp|horsepower)\b|\bhow many cylinders\b|\bengine\?",
         r"\b\d\.\d ?l\b|\bv[68]\b|\bturbo|\becoboost|\bhemi\b|\bcylinder|\bcummins|\bengine\b"
         r"|\bhybrid\b|\belectric\b|\bdiesel\b|\bhorsepower|\bhp\b"),
        ("horsepower", r"^\W*(?:hp|horsepower)\W*$|\b(?:how much|how many|what|whats|what's|same)"
         r" (?:hp|horsepower)\b|\bhorse ?power\b", r"\bhorsepower\b|\b\d+ ?hp\b"),
        ("drivetrain", r"\b(?:awd|4wd|fwd|rwd|4x4|2wd|all[- ]wheel(?: drive)?|front[- ]wheel"
         r"(?: drive)?)\s+or\s+(?:awd|4wd|fwd|rwd|4x4|2wd|all[- ]wheel|front[- ]wheel"
         r"|rear[- ]wheel)|\bdrive ?train\b|\bwhich wheels\b",
         r"\b(?:awd|4wd|fwd|rwd|4x4|xdrive|all-wheel|front-wheel|rear-wheel)\b"),
        ("towing", r"\bhow (?:much|many (?:lbs|pounds)) (?:can|will|could|does) (?:it|she|that"
         r"|this(?: one)?|the \w+(?: \w+)?) (?:tow|pull|haul)\b"
         r"|\btow(?:ing)? (?:capacity|rating|limit)"
         r"|\bwhat can (?:it|she|that|the \w+(?: \w+)?) tow\b",
         r"\btow|\btrailer|\bfifth[- ]wheel|\bgooseneck"),
        ("transmission", r"\b(?:what|which|whats|what's)\s+(?:kind of |type of )?"
         r"(?:transmission|trans)\b|\b(?:manual|stick) or (?:auto(?:matic)?)\b"
         r"|\bauto(?:matic)? or (?:manual|stick)\b",
         r"\b(?:manual|automatic|cvt|\d-speed|dct|\d ?mt)\b"),
        # "is that one new", "is the ascent certified", "new or used?": the listing's condition
        ("condition", r"\b(?:is|iz)\s+(?:it|that|this|she|the\s+[\w-]+(?:\s+[\w-]+)?)(?:\s+one)?"
         r"\s+(?:a\s+)?(?:brand[- ]new|new|used|pre-?owned|certified|cpo)\b(?!\s+(?:one|ones)\b)"
         r"|^\W*(?:is\s+(?:it|that(?:\s+one)?)\s+)?(?:new|used|certified|cpo)\s+or\s+(?:new|used"
         r"|certified|cpo|pre-?owned)\W*$", r"^$"),
    )
)  # fmt: skip
SPECS = frozenset(key for key, _, _ in _SPECS)
"""The spec keys `asked_feature` returns for a what-question; `check` answers them from the
listing's words (or its spec sheet), never with a yes or a no."""
# "can it tow", "can that thing pull a boat": a yes/no question with a verb of use
_CAN = re.compile(
    r"\b(?:can|could) (?:it|she|that|this(?: one)?|(?:that|this) thing|the \w+(?: \w+)?)"
    r" (?:tow|pull|haul)\b",
    re.IGNORECASE,
)
_STATEMENT = re.compile(  # "it has a backup cam right", "that one has carplay yeah?"
    r"^\W*(?:and\s+|so\s+|ok\s+)?(?:it|that(?:\s+one)?|this(?:\s+one)?)\s+(?:has|have|got"
    r"|comes\s+with)\s+(?P<f>[^?.!,;]+?)\s*,?\s*(?:right|yeah|yes|correct|too)\W*$",
    re.IGNORECASE,
)


_WEIGHT = re.compile(r"\b(\d{1,2}(?:,\d{3})|\d{3,5}|\d{1,2}(?=\s?k\b))\s?(k)?\b", re.IGNORECASE)
_RATING = re.compile(
    r"(\d{1,2},\d{3}|\d{3,5})\s?-?\s?(?:lbs?|pounds?)?\b.*\btow|\btow.*?(\d{1,2},\d{3}|\d{3,5})"
)


def towing_rating(vehicle: dict[str, Any]) -> tuple[str, int] | None:
    """The listing's phrase stating a towing capacity in pounds and the number, if any."""
    for source in _listing(vehicle):
        if rating := _RATING.search(source.lower()):
            return source, int((rating.group(1) or rating.group(2)).replace(",", ""))
    return None


def _tow_check(vehicle: dict[str, Any], feature: str) -> FeatureAnswer:
    """ "can it tow 10000": compared with the rating the listing writes; a hitch is no rating."""
    asked = int(feature.split()[1])
    rating = towing_rating(vehicle)
    if rating is None:
        return FeatureAnswer(f"a {asked:,}-lb tow rating")
    source, pounds = rating
    if pounds >= asked:
        return FeatureAnswer(feature, listed=source)
    return FeatureAnswer(f"a {asked:,}-lb tow rating", instead=source)


def asked_spec(text: str) -> str | None:
    """The spec a what-question asks about ("what mpg does it get" -> "mpg", "how much can
    it tow" -> "towing", "is it awd or fwd" -> "drivetrain"); None when it asks none."""
    said = text.lower()
    return next((key for key, asked, _ in _SPECS if asked.search(said)), None)


def is_spec(phrase: str) -> bool:
    return phrase in SPECS


def is_colour(feature: str) -> bool:
    return feature in COLOR_WORDS.values()


def canonical(text: str) -> str:
    said = text.lower()
    for pattern, word in _SAME_PATTERNS:
        said = pattern.sub(word, said)
    return re.sub(r"\s+", " ", said).strip()


def asked_feature(text: str, known: Iterable[str] = ()) -> str | None:
    """The thing a yes/no question asks a vehicle to have, in canonical words ("moonroof",
    "eyesight", "heated seats"); None when the message asks no such question. `known` (the
    inventory's feature words) lets "is it a X" and a bare "X?" count for listed features too."""
    said = text.strip()
    if (spec := asked_spec(said)) is not None:  # "what mpg does it get", "how much can it tow"
        return spec
    if _CAN.search(said):  # "can it tow", "can it pull my boat"; "can it tow 10000": a rating
        weight = _WEIGHT.search(said)
        return (
            f"tow {int(weight.group(1).replace(',', '')) * (1000 if weight.group(2) else 1)}"
            if weight
            else "tow"
        )
    if (stated := _STATEMENT.search(said)) is not None:  # "it has a backup cam right"
        said = f"does it have {stated.group('f')}?"
    if (colour := _IS_COLOUR.search(said)) is not None:  # "is it blue", "is that one white?"
        return COLOR_WORDS[colour.group("c").lower()]
    found = _HAS.search(said)
    if found is not None:
        phrase = next(g for g in found.groups() if g)
        return None if _NOT_FEATURES.search(phrase) else _phrase(phrase)
    tail = said.rsplit(",", 1)[-1]  # "the ram 1500, v8?": the question after the car
    for pattern, where in ((_IS, said), (_BARE, said), (_BARE, tail)):
        match = pattern.search(where)
        if match is None or _NOT_FEATURES.search(match.group("f")):
            continue
        phrase = _phrase(match.group("f"))
        if phrase and all(
            _spec(f) or any(_covers(k, f) for k in known) for f in features_of(phrase)
        ):
            return phrase
    return None


def _phrase(text: str) -> str | None:
    """The canonical words asked about; several joined with " + " ("heated seats + carplay")."""
    parts = []
    for part in _AND.split(_OR_NOT.sub("", canonical(text))):
        if _ANOTHER_QUESTION.match(part):  # "heated seats and whats the stock #"
            break
        words = re.sub(r"[^\w -]", " ", _FILLER.sub(" ", part))
        if words := re.sub(r"\s+", " ", words).strip():
            parts.append(words)
    phrase = " + ".join(parts)
    return phrase if 2 <= len(phrase) <= 60 and len(parts) <= 3 else None


def features_of(phrase: str) -> list[str]:
    """The features a phrase from `asked_feature` names."""
    return phrase.split(" + ")


def _spec(phrase: str) -> bool:
    return any(word in phrase for word in SPEC_WORDS)


@dataclass(frozen=True)
class FeatureAnswer:
    feature: str  # what was asked, canonical
    listed: str | None = None  # the listing's own words for it ("Panoramic moonroof")
    instead: str | None = None  # the listing shows another of its kind ("CVT automatic")


def check(vehicle: dict[str, Any], feature: str) -> FeatureAnswer:
    """Whether `vehicle` (the tools' vehicle view) lists `feature`: by the inventory search's
    feature concepts (`vehicle_words.CONCEPTS`: "sunroof" finds "panoramic moonroof"), else
    word by word ("eyesight" finds "EyeSight driver assist")."""
    if is_colour(feature):  # "is it blue": the paint's name says
        paint = str(vehicle.get("color") or "")
        if feature in paint_colours(paint):
            return FeatureAnswer(feature, listed=paint)
        return FeatureAnswer(feature, instead=paint) if paint else FeatureAnswer(feature)
    if re.fullmatch(r"tow \d+", feature):  # "can it tow 10000"
        return _tow_check(vehicle, feature)
    if feature == "condition":  # "is that one new": new, used or certified, and its miles
        return FeatureAnswer(feature, listed=condition_words(vehicle))
    if feature in SPECS:  # "what mpg": the listing's words that state it, if any
        spec = next(listed for key, _, listed in _SPECS if key == feature)
        stated = [s for s in _listing(vehicle) if spec.search(s.lower())]
        numbered = [s for s in stated if re.search(r"\d", s)] if feature == "towing" else []
        found = next(iter(numbered + stated), None)  # "tow rating?": the number, not a hitch
        return FeatureAnswer(feature, listed=found)
    concepts = [listed for _, asked, listed in CONCEPTS if asked.search(feature)]
    for source in _listing(vehicle):
        if any(c.search(source.lower()) for c in concepts) or _covers(canonical(source), feature):
            return FeatureAnswer(feature, listed=source)
    for group in _ONE_OF:
        if feature in group:
            for source in _listing(vehicle):
                words = set(re.findall(r"[\w-]+|third row", canonical(source)))
                if (other := (group - {feature}) & words) and feature not in words:
                    return FeatureAnswer(feature, instead=sorted(other)[0])
    return FeatureAnswer(feature)


_CONDITIONS = {"new": "new", "used": "used (pre-owned)", "certified": "certified pre-owned"}


def condition_words(vehicle: dict[str, Any]) -> str | None:
    """ "certified pre-owned, a 2022 with 35,600 mi": the listing's condition, year, miles."""
    condition = str(vehicle.get("condition") or "")
    if condition not in _CONDITIONS:
        return None
    said = f"{_CONDITIONS[condition]}, a {vehicle.get('year')}"
    miles = vehicle.get("mileage")
    return f"{said} with {int(miles):,} mi" if miles is not None else said


def _listing(vehicle: dict[str, Any]) -> list[str]:
    named = " ".join(str(vehicle.get(k) or "") for k in ("model", "trim", "body"))
    return [*(str(f) for f in vehicle.get("features") or []), *listing_facts(vehicle), named]


def listing_facts(vehicle: dict[str, Any]) -> list[str]:
    """The vehicle's spec sheet (the view's `specs`, see `agent.tools.vehicle_view`) as
    listing phrases read besides its `features`: "AWD", "2.5L turbo engine", "8-speed
    automatic", "38 mpg combined", "7 seats", "tows up to 3,500 lbs". Empty without specs."""
    specs = vehicle.get("specs") or {}
    said = [f"{specs['engine']} engine"] if specs.get("engine") else []
    said += [str(specs[k]) for k in ("drivetrain", "transmission", "fuel_economy") if specs.get(k)]
    if specs.get("seats"):
        said.append(f"{specs['seats']} seats")
    if specs.get("towing"):
        said.append(f"tows up to {int(specs['towing']):,} lbs")
    return said


def _covers(listed: str, asked: str) -> bool:
    """Every word asked is in the listing's words (a plural, a typo of a longer word too)."""
    have = re.findall(r"\w+", canonical(listed))  # "all-terrain" covers "all terrain"
    want = re.findall(r"\w+", asked)
    if not want:
        return False
    return all(any(_same_word(w, h) for h in have) for w in want)


def _same_word(asked: str, listed: str) -> bool:
    if asked == listed or asked.rstrip("s") == listed.rstrip("s"):
        return True
    return len(asked) >= 5 and len(listed) >= 5 and fuzz.ratio(asked, listed) >= 85
