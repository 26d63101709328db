"""What a shopper's message means in context: intent, vehicle filters, time, references
("that one", "the gray one", "the other one") and contact details."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from agent import comparisons, references, vehicle_facts
from agent.dialogue import ShownVehicle, read_shown
from agent.engines.offline import names
from agent.engines.offline.intents import IntentClassifier, IntentGuess
from agent.engines.offline.misuse import screen
from agent.nlu.vehicles import InventoryVocabulary, VehicleQuery
from agent.nlu.when import Hours, TimeRequest, parse_when
from agent.references import Reference
from crm_store.records import VehicleRecord

# Patterns over shopper text start only where the character before cannot continue their
# leading run (`(?<!...)`): a long run is then scanned once, not once per position (linear).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
_NAME = re.compile(
    r"\b(?:my name is|my name's|(?P<weak>i am|i'm|this is|it's|its)|call me|name is)\s+"
    r"([A-Za-z][A-Za-z'-]+(?:\s+[A-Za-z][A-Za-z'-]+)?)",
    re.IGNORECASE,
)
# "This is Daniel, the GM" / "it's Maria from sales": a claim of staff authority, not a
# shopper introducing themselves; nothing is saved from it. The role follows the name ("tom
# in finance") or is the whole "name" ("this is sales"); "dev from work" and "kim, is the
# service dept open" claim nothing.
_ROLE = re.compile(
    r"^(?:[A-Za-z'-]+(?:\s+[A-Za-z'-]+)?\s*[,-]?\s*"
    r"(?:(?:from|in|with|at|of|here|over|head|the|your|our|a|an)\s+)*(?:[\w-]+\s+)?)?"
    r"(?:gm|general manager|manager|owner|corporate|compliance|sales|finance"
    r"|service|admin|dealership|support|department|office|headquarters|hq|bdc|staff|team)\b",
    re.IGNORECASE,
)
_NOT_NAMES = {
    "looking",
    "interested",
    "here",
    "good",
    "fine",
    "ok",
    "okay",
    "just",
    "a",
    "the",
    "not",
    "ready",
    "trying",
    "going",
    "wondering",
    "also",
    "still",
    "on",
    "at",
    "in",
    "so",
    "very",
    "available",
    "free",
    "coming",
    "sorry",
    "thinking",
    "back",
    "done",
    "new",
    "sure",
    "from",
    "by",
    "with",
    "for",
    "and",
    "texting",
    "again",
    # what follows "call me" in a callback request ("call me about the tundra")
    "about",
    "today",
    "tonight",
    "tomorrow",
    "tmrw",
    "asap",
    "when",
    "whenever",
    "after",
    "before",
    "later",
    "now",
    "anytime",
    "if",
    "please",
    "pls",
    "right",
    "soon",
    "regarding",
    "around",
    "between",
    "directly",
    "instead",
}
_AFFIRM = re.compile(
    r"^\s*(yes|yeah|yea|yep|yup|sure|ok|okay|k|sounds good|that works|works for me|perfect|"
    r"great|let'?s do (it|that)|do it|please|yes please|absolutely|definitely|book it|"
    r"that one|yes,? that one|this one)\b",
    re.IGNORECASE,
)
_OTHER = re.compile(r"\b(other|another|second|2nd)\b( one)?", re.IGNORECASE)
_THAT = re.compile(r"\b(that|this|the same|it|first|1st) (one|car|truck|suv|vehicle)\b|\bit\b")
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


PHOTOS = re.compile(r"(?<!\s)\s*\[sent (\d+) photos?\]\s*$")


def understand(
    text: str,
    *,
    now: datetime,
    classifier: IntentClassifier,
    vocabulary: InventoryVocabulary,
    inventory: list[VehicleRecord],
    slots: dict[str, Any],
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
    slots: dict[str, Any], inventory: list[VehicleRecord], query: VehicleQuery
) -> Reference | None:
    """ "how many seats" with none in focus and several shown: which one, then asked."""
    if slots.get("vehicle_of_interest") or not query.is_empty():
        return None
    shown = read_shown(slots, {v.stock: v for v in inventory}.get)
    return Reference(candidates=tuple(shown), by="pronoun") if len(shown) >= 2 else None


def compared(
    text: str,
    slots: dict[str, Any],
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
    last = slots.get("compared") or {}
    same_list = last.get("among") == [str(s) for s in slots.get("vehicles_shown") or []]
    in_play = tuple(last.get("stocks") or ()) if same_list else ()
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


def refer(
    text: str,
    slots: dict[str, Any],
    inventory: list[VehicleRecord],
    vocabulary: InventoryVocabulary,
    query: VehicleQuery,
) -> Reference:
    """What the message points at among the vehicles just shown (`agent.references`: "the
    cheapest one", "the blue one", "the second one", "the tacoma"), then the older rules
    ("the other one", a trim word, "the new one"); candidates when several fit."""
    by_stock = {v.stock: v for v in inventory}
    if query.stock and query.stock in by_stock:
        return Reference(stock=query.stock, by="stock")
    shown = read_shown(slots, by_stock.get)
    booked = None if shown else _booked(slots, by_stock)
    if booked:  # the booked car, as if shown: "is the telluride the 3 row one"
        shown = read_shown({"vehicles_shown": [booked.stock]}, by_stock.get)
    found = references.resolve(text, shown, slots.get("vehicle_of_interest"), query.model)
    if found.stock in by_stock:
        return found
    if booked and _names_booked(booked, query, vocabulary):  # "is the kia the 3 row one"
        return Reference(stock=booked.stock, by="description")
    if found.candidates:  # several fit: a trim or condition word may still tell them apart
        fitting = [by_stock[v["stock"]] for v in found.candidates if v["stock"] in by_stock]
        picked = _by_distinct_word(text, fitting)
        return Reference(stock=picked, by="description") if picked else found
    legacy = resolve_reference(text, slots, inventory, vocabulary, query)
    return Reference(stock=legacy, by="context") if legacy else found


def _booked(slots: dict[str, Any], by_stock: dict[str, VehicleRecord]) -> VehicleRecord | None:
    """With none shown, the car of the drive that stands (`agent.standing`), while no other
    is under discussion: "is the telluride the 3 row one" is about the Telluride booked."""
    booked = slots.get("appointment_stock")
    if booked not in by_stock or slots.get("vehicle_of_interest") not in (None, booked):
        return None
    return by_stock[booked]


def _names_booked(
    booked: VehicleRecord, query: VehicleQuery, vocabulary: InventoryVocabulary
) -> bool:
    """Whether the message names the booked car by its make or model (and nothing it isn't)."""
    named = bool(query.make or query.model) and query.make in (None, booked.make)
    return named and _fits(booked, query, vocabulary)


def resolve_reference(
    text: str,
    slots: dict[str, Any],
    inventory: list[VehicleRecord],
    vocabulary: InventoryVocabulary,
    query: VehicleQuery,
) -> str | None:
    """The stock number a message refers to, from what was shown earlier in the chat."""
    by_stock = {v.stock: v for v in inventory}
    if query.stock and query.stock in by_stock:
        return query.stock
    shown: list[str] = [str(s) for s in slots.get("vehicles_shown", []) if s in by_stock]
    focus = slots.get("vehicle_of_interest")
    if shown:
        if _OTHER.search(text) and len(shown) > 1:
            # "the other one": the shown vehicle not in focus; with none in focus, the second.
            return next((s for s in shown if s != focus), shown[1]) if focus in shown else shown[1]
        narrowed = [by_stock[s] for s in shown if _fits(by_stock[s], query, vocabulary)]
        if narrowed and len(narrowed) < len(shown) and _describes(query):
            return narrowed[0].stock
        if re.search(r"\b(first|1st)\b", text, re.IGNORECASE):
            return shown[0]
        if re.search(r"\b(last|third|3rd)\b", text, re.IGNORECASE):
            return shown[-1]
        if (picked := _by_distinct_word(text, [by_stock[s] for s in shown])) is not None:
            return picked
    if focus in by_stock and (_THAT.search(text.lower()) or not _describes(query)):
        return str(focus)
    return None


_CONDITION_WORDS = {"new": "new", "used": "used", "certified": "certified", "cpo": "certified"}
# "the used one" among a new and a certified one is the certified one: certified is used too
_ALSO_CALLED = {"certified": {"used", "preowned"}, "used": {"preowned"}}


def _by_distinct_word(text: str, shown: list[VehicleRecord]) -> str | None:
    """The one shown vehicle named by a word only it has: a trim word ("the xle", "the trd
    pro") or its condition ("the new one", "the certified one")."""
    if len(shown) < 2:
        return None
    said = re.findall(r"[a-z0-9]+", text.lower())
    # Only words that point: "the xle", "the trd pro", "that certified one", "the new one".
    words = {
        w
        for i, w in enumerate(said)
        if {"the", "that", "this"} & set(said[max(0, i - 2) : i]) or said[i + 1 : i + 2] == ["one"]
    }
    marks = [
        {t for t in re.findall(r"[a-z0-9]+", (v.trim or "").lower()) if len(t) > 1}
        | {w for w, c in _CONDITION_WORDS.items() if c == v.condition.value}
        | _ALSO_CALLED.get(v.condition.value, set())
        for v in shown
    ]
    shared = set.intersection(*marks)
    hits = [v.stock for v, mark in zip(shown, marks, strict=True) if (mark - shared) & words]
    return hits[0] if len(hits) == 1 else None


def _describes(query: VehicleQuery) -> bool:
    return any((query.make, query.model, query.trim, query.color, query.year_min, query.body))


def _fits(vehicle: VehicleRecord, query: VehicleQuery, vocabulary: InventoryVocabulary) -> bool:
    if query.color and query.color not in vocabulary.colors_of(vehicle):
        return False
    if query.model and query.model != vehicle.model:
        return False
    if query.trim and (vehicle.trim or "").lower() != query.trim.lower():
        return False
    if query.year_min and vehicle.year < query.year_min:
        return False
    return not (query.year_max and vehicle.year > query.year_max)


def contact_details(text: str, vocabulary: InventoryVocabulary | None = None) -> dict[str, str]:
    """E-mail, phone and the shopper's name (`names`: never a vehicle, colour or day word)."""
    found: dict[str, str] = {}
    if (email := _EMAIL.search(text)) is not None:
        found["email"] = email.group(0)
    if (phone := _PHONE.search(text)) is not None:
        found["phone"] = phone.group(0)

    def vehicle_word(word: str) -> bool:
        if word in _NOT_NAMES or vocabulary is None:
            return word in _NOT_NAMES
        query = vocabulary.parse(word)  # "awd", "leather", "cpo": what a car has, no name
        return _describes(query) or bool(query.features or query.condition)

    if (corrected := _corrects(text, vehicle_word)) is not None:
        found["name"] = corrected
        return found
    for match, weak in names.candidates(text):
        if weak or match.re is names.OPENERS:
            if not _introduces(text, match):
                continue
        elif _ROLE.match(match.group(1) + text[match.end() :]):
            continue
        said = match.group(2) if match.re is names.OPENERS else match.group(1)
        if (name := names.clean(said.split(), vehicle_word)) is not None:
            found["name"] = name
            break
    return found


def _introduces(text: str, name: re.Match[str]) -> bool:
    """Whether the name after "my name is"/"it's"/"I'm" is the shopper introducing themselves.
    After the loose openers ("it's due tomorrow", "its for a tiktok") a lower-case word counts
    when it stands alone ("i'm tom, do you...") or the message is short ("it's mike, mike chen");
    a role after it is an authority claim."""
    if _ROLE.match(name.group(2) + text[name.end() :]):
        return False
    if name.group("weak") is None or name.group(2)[0].isupper():
        return True
    # "this is ridiculous", "its awd right", "im super excited": a common word, no name
    if not names.looks_like_name(name.group(2).split()[0]):
        return False
    # the name alone, or with a surname, before a comma, the end or where they are from ("im
    # tomas ruiz, is ...", "this is dev from work")
    alone = re.match(
        r"[A-Za-z'-]+(?:\s+([A-Za-z'-]+))?(?:$|[,.!?;]|\s+from\b)", text[name.start(2) :]
    )
    if alone is not None and alone.group(1) and alone.group(1).lower() in names.NOT_NAMES:
        alone = None  # "its due friday": no surname
    if names.states(text[name.start(2) :]):  # "so im set for friday?"
        return False
    return alone is not None or len(text.split()) <= 6


def _corrects(text: str, vehicle_word: Callable[[str], bool]) -> str | None:
    """The name in an explicit correction ("its katie not kate", "katie not kate lol"): both
    words look like names; without an opener they also share an initial ("cash not finance"
    corrects no name)."""
    for match in names.CORRECTION.finditer(text):
        now, was = match.group("now"), match.group("was")
        if not all(names.looks_like_name(w) and not vehicle_word(w.lower()) for w in (now, was)):
            continue
        if match.group("opener") is None and now[0].lower() != was[0].lower():
            continue
        return names.clean([now], vehicle_word)
    return None
