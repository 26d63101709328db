"""What a shopper's message means in context: intent, vehicle filters, time, references
("that one", "the gray one", "the other one": `pointing`), contact details (`contact`), a
feature asked about and a comparison asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from agent import comparisons, vehicle_facts
from agent.dialogue import read_shown
from agent.engines.offline import names
from agent.engines.offline.contact import contact_details
from agent.engines.offline.intents import IntentClassifier, IntentGuess
from agent.engines.offline.misuse import screen
from agent.engines.offline.pointing import refer
from agent.nlu.vehicles import InventoryVocabulary, VehicleQuery
from agent.nlu.when import Hours, TimeRequest, parse_when
from agent.references import Reference
from contracts.dialogue import ShownVehicle, Slots
from crm_store.records import VehicleRecord

_AFFIRM = re.compile(
    r"^\s*(yes|yeah|yea|yep|yup|sure|ok|okay|k|sounds good|that works|works for me|perfect|"
    r"great|let'?s do (it|that)|do it|please|yes please|absolutely|definitely|book it|"
    r"that one|yes,? that one|this one)\b",
    re.IGNORECASE,
)
_TEST_DRIVE = re.compile(
    r"\b(test[ -]?drive|drive (it|the|that|this|one|a|an|her|him)|take (it|her|him|the \w+|that"
    r" \w+|this \w+) for a (spin|drive|ride)|come (in|by|see|check)|see it|check it out|stop by|"
    r"swing by|"
    r"appointment|book|schedule|available (at|on)|open (at|on)|works)\b",
    re.IGNORECASE,
)


@dataclass
class Understanding:
    text: str
    intent: str
    by: str  # "rule", "knn" or "fallback": how the intent was found
    query: VehicleQuery
    when: TimeRequest
    reference: str | None = None  # a stock number the message points at
    affirmative: bool = False
    contact: dict[str, str] = field(default_factory=dict)
    wants_test_drive: bool = False
    photos: int = 0  # photos that came with the message (e.g. of a trade-in)
    raw: str = ""  # the message as sent; `text` is it without injected blocks and insults
    # several vehicles just shown fit what the message points at ("it", "the truck"): ask
    candidates: tuple[ShownVehicle, ...] = ()
    referred_by: str = ""  # how `reference` was found ("superlative", "ordinal", "pronoun"...)
    feature: str | None = None  # a yes/no question about a vehicle's listing ("v8?", "moonroof")
    # several models named ("a venue or a santa cruz"): one query each
    queries: tuple[VehicleQuery, ...] = ()
    comparison: comparisons.Comparison | None = None  # "which has less miles", "X vs Y"


# Starts only after a non-space: a long run of spaces is scanned once, not once per position.
PHOTOS = re.compile(r"(?<!\s)\s*\[sent (\d+) photos?\]\s*$")


def understand(
    text: str,
    *,
    now: datetime,
    classifier: IntentClassifier,
    vocabulary: InventoryVocabulary,
    inventory: list[VehicleRecord],
    slots: Slots,
    hours: Hours | None = None,
) -> Understanding:
    """`hours` (the sales hours) read a bare "5:30" as the time the showroom is open."""
    photo = PHOTOS.search(text)
    photos = int(photo.group(1)) if photo else 0
    raw = PHOTOS.sub("", text)
    screened = screen(raw)
    text = screened.text
    query = vocabulary.parse(names.without_signature(text))  # "-brooke tan" is no tan car
    discussed = slots.get("requested_day")
    when = parse_when(
        text, now, hours=hours, day=date.fromisoformat(discussed) if discussed else None
    )
    if text or not raw.strip():
        guess = classifier.classify(text)
    else:  # nothing left once insults or an injected block are dropped
        guess = IntentGuess("abuse" if screened.abusive else "decline", 0.95, "rule")
    pointed = refer(text, slots, inventory, vocabulary, query)
    known = {f for v in inventory for f in v.features} | {str(v.body) for v in inventory if v.body}
    feature = vehicle_facts.asked_feature(text, known)  # "is it a hatchback": its body too
    feature = feature or _kind_asked(text, known)  # "is it the manual one"
    if feature and vehicle_facts.is_spec(feature) and not (pointed.stock or pointed.candidates):
        pointed = _which_for_spec(slots, inventory, query) or pointed  # "how many seats"
    meaning = Understanding(
        text=text,
        intent=guess.intent,
        by=guess.by,
        query=query,
        when=when,
        reference=pointed.stock,
        candidates=pointed.candidates,
        referred_by=pointed.by if pointed.stock or pointed.candidates else "",
        affirmative=bool(_AFFIRM.match(text)),
        contact=contact_details(text, vocabulary),
        wants_test_drive=bool(_TEST_DRIVE.search(text)),
        photos=photos,
        raw=raw,
        feature=feature,
        queries=tuple(vocabulary.parse_each(names.without_signature(text))),
        comparison=compared(text, slots, inventory, vocabulary),
    )
    return meaning


# "is it the manual one", "is the telluride the 3 row one": the kind of car it is, asked
_THE_ONE = re.compile(
    r"\b(?P<head>(?:is|iz)\s+(?:it|that|this|the\s+[\w-]+(?:\s+[\w-]+)?))\s+the\s+"
    r"(?P<kind>[\w -]{2,24}?)\s+one\W*$",
    re.IGNORECASE,
)
_ROWS = re.compile(r"\b(?:3|three)[ -]?rows?\b", re.IGNORECASE)


def _kind_asked(text: str, known: set[str]) -> str | None:
    """The spec a "the X one" question asks the car to have ("manual", "third row"); never a
    colour or a trim, which point at a car ("is it the blue one")."""
    found = _THE_ONE.search(text)
    if found is None:
        return None
    kind = _ROWS.sub("third row", found["kind"])  # "the 3 row one"
    asked = vehicle_facts.asked_feature(f"{found['head']} a {kind}?", known)
    if not asked or vehicle_facts.is_colour(asked):
        return None
    spec = all(w in vehicle_facts.SPEC_WORDS for w in vehicle_facts.features_of(asked))
    return asked if spec else None


def _which_for_spec(
    slots: Slots, inventory: list[VehicleRecord], query: VehicleQuery
) -> Reference | None:
    """ "how many seats" with none in focus and several shown: which one, then asked."""
    if slots.get("vehicle_of_interest") or not query.is_empty():
        return None
    shown = read_shown(slots, {v.stock: v for v in inventory}.get)
    return Reference(candidates=tuple(shown), by="pronoun") if len(shown) >= 2 else None


def compared(
    text: str,
    slots: Slots,
    inventory: list[VehicleRecord],
    vocabulary: InventoryVocabulary | None = None,
) -> comparisons.Comparison | None:
    """The comparison asked for between vehicles shown, in play (the last compared, while
    no other list has been shown) or named. A superlative or a feature ("which is newest",
    "which of those has a 3rd row") over a list of three is left to the search that orders
    or narrows it; one of a number only listings state ("which tows the most") is read from
    every vehicle the list's search matched (`vocabulary` parses that search)."""
    by_stock = {v.stock: v for v in inventory}
    shown = read_shown(slots, by_stock.get)
    last = slots.get("compared")
    listed = [str(s) for s in slots.get("vehicles_shown") or []]
    same_list = last is not None and last.get("among") == listed
    in_play = tuple(last.get("stocks") or ()) if last is not None and same_list else ()
    available = [v for v in inventory if v.status.value == "available"]
    found = comparisons.comparison(text, shown, available, in_play)
    if found is None or in_play or found.asked.named:
        return found
    if found.asked.attribute in comparisons.LISTED or found.asked.each:
        # "which tows the most", "price on each": read from every listing; of a search that
        # matched more than it showed, every match's
        beyond = int(slots.get("search_total") or 0) > len(shown) and slots.get("search")
        if found.asked.superlative and beyond and vocabulary is not None:
            every = comparisons.searched(slots["search"], available, vocabulary)
            return comparisons.across(found, every)
        return found
    if found.asked.superlative or (found.asked.attribute == "feature" and len(shown) > 2):
        return None  # "which of those has a 3rd row" in a list: narrowed by a search
    return found
