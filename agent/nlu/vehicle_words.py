"""Inventory-independent language behind `agent.nlu.vehicles`: pure data and pure functions.

Synonyms for bodies, conditions and colours (and the colours of paint names); well-known makes
and models (so that "any Corollas?" is understood with none in stock, and the search then
honestly finds nothing); feature concepts; the English words fuzzy matching must never turn into
a model; and the token helpers every vehicle reading shares (`tokens`, `compact`, `close`...).
What a message names is kept in `vehicle_mentions`; its money, mileage and year phrases are
read by `vehicle_numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

BODY_WORDS: dict[str, str] = {
    "suv": "suv", "crossover": "suv", "cuv": "suv", "truck": "truck", "pickup": "truck",
    "sedan": "sedan", "saloon": "sedan", "hatchback": "hatchback", "hatch": "hatchback",
    "minivan": "minivan", "van": "minivan", "wagon": "wagon", "estate": "wagon",
    "convertible": "convertible", "cabriolet": "convertible", "coupe": "coupe",
}  # fmt: skip
CONDITION_WORDS: dict[str, str] = {
    "new": "new", "used": "used", "preowned": "used", "secondhand": "used",
    "certified": "certified", "cpo": "certified",
}  # fmt: skip
COLOR_WORDS: dict[str, str] = {
    "gray": "gray", "grey": "gray", "white": "white", "black": "black", "silver": "silver",
    "red": "red", "maroon": "red", "burgundy": "red", "blue": "blue", "navy": "blue",
    "green": "green", "brown": "brown", "beige": "beige", "tan": "beige", "gold": "gold",
    "orange": "orange", "yellow": "yellow", "purple": "purple",
}  # fmt: skip
"""Basic colour words, and the spellings that mean them, for shoppers' text and colour names."""
PAINT_WORDS: dict[str, str] = {
    **COLOR_WORDS,
    "blizzard": "white", "snow": "white", "oxford": "white", "ivory": "white", "frost": "white",
    "glacier": "white", "chalk": "white", "pearl": "white",
    "ebony": "black", "onyx": "black", "obsidian": "black", "midnight": "black",
    "jet": "black", "raven": "black", "abyss": "black",
    "charcoal": "gray", "graphite": "gray", "gunmetal": "gray", "slate": "gray", "cement": "gray",
    "granite": "gray", "pewter": "gray", "titanium": "gray", "magnetic": "gray", "steel": "gray",
    "sonic": "gray", "carbonized": "gray", "lunar": "silver", "platinum": "silver",
    "crimson": "red", "ruby": "red", "scarlet": "red", "cherry": "red", "garnet": "red",
    "flame": "red", "cobalt": "blue", "sapphire": "blue", "azure": "blue", "aqua": "blue",
    "denim": "blue", "emerald": "green", "forest": "green", "sage": "green", "olive": "green",
    "bronze": "brown", "copper": "orange", "champagne": "beige", "sand": "beige", "khaki": "beige",
}  # fmt: skip
"""Colour words of paint names ("Blizzard Pearl" is white), for a vehicle's colour only: a
shopper's "snow tires" is no colour. A paint name's own basic word wins ("Sage Gray")."""

MAKE_ALIASES: dict[str, str] = {
    "chevy": "Chevrolet", "vw": "Volkswagen", "volkswagon": "Volkswagen", "benz": "Mercedes-Benz",
    "mercedes": "Mercedes-Benz", "merc": "Mercedes-Benz", "bimmer": "BMW", "beemer": "BMW",
}  # fmt: skip
CATALOGUE: dict[str, tuple[str, ...]] = {
    "Toyota": ("Camry", "Corolla", "RAV4", "Tacoma", "Tundra", "Highlander", "Sienna", "Prius",
               "4Runner", "Sequoia", "Avalon", "Venza", "Supra", "Corolla Cross",
               "Grand Highlander", "C-HR", "Yaris", "bZ4X", "Crown"),
    "Honda": ("Civic", "Accord", "CR-V", "HR-V", "Pilot", "Passport", "Odyssey", "Ridgeline",
              "Prologue", "Fit", "Insight"),
    "Ford": ("F-150", "F-250", "F-350", "Mustang", "Bronco", "Bronco Sport", "Maverick", "Explorer",
             "Expedition", "Escape", "Edge", "Ranger", "Mustang Mach-E"),
    "Chevrolet": ("Silverado 1500", "Equinox", "Tahoe", "Suburban", "Traverse", "Malibu",
                  "Colorado", "Camaro", "Corvette", "Blazer", "Trax", "Trailblazer"),
    "Nissan": ("Rogue", "Altima", "Sentra", "Pathfinder", "Frontier", "Murano", "Versa", "Kicks",
               "Leaf", "Titan", "Armada", "Ariya"),
    "Hyundai": ("Tucson", "Elantra", "Sonata", "Santa Fe", "Palisade", "Kona", "Ioniq 5",
                "Ioniq 6", "Santa Cruz", "Venue", "Veloster", "Accent"),
    "Kia": ("Telluride", "Sorento", "Sportage", "Forte", "Seltos", "Carnival", "Niro", "EV6", "EV9",
            "K5", "Soul", "Rio", "Stinger"),
    "Mazda": ("CX-5", "CX-30", "CX-50", "CX-90", "Mazda3", "MX-5 Miata"),
    "Subaru": ("Outback", "Forester", "Crosstrek", "Ascent", "Impreza", "WRX", "Legacy", "BRZ",
               "Solterra"),
    "Jeep": ("Wrangler", "Grand Cherokee", "Cherokee", "Gladiator", "Renegade"),
    "Tesla": ("Model 3", "Model Y", "Model S", "Model X", "Cybertruck"),
    "BMW": ("3 Series", "5 Series", "X3", "X5"),
    "Volkswagen": ("Jetta", "Tiguan", "Atlas", "Passat", "Taos"),
    "Mercedes-Benz": ("C-Class", "E-Class", "GLC", "GLE"),
    "Lexus": ("RX", "NX"), "Audi": ("A4", "Q5"), "GMC": ("Sierra 1500", "Yukon", "Acadia"),
    "Acura": ("MDX", "RDX", "Integra", "TLX"), "Dodge": ("Charger", "Challenger", "Durango"),
    "Cadillac": ("Escalade",), "Volvo": ("XC60", "XC90"), "Porsche": ("Cayenne", "Macan"),
    "Mitsubishi": ("Outlander",), "Buick": ("Enclave", "Encore"), "Chrysler": ("Pacifica",),
    "Lincoln": ("Navigator",), "Land Rover": ("Range Rover", "Defender"), "Ram": (),
    "Rivian": ("R1S", "R1T"),
}  # fmt: skip
"""Well-known makes and their models; English-word names (Edge, Soul) need vehicle context
(`WORDLIKE_MODELS`)."""

MODEL_ALIASES: dict[str, tuple[str, str]] = {
    "330i": ("BMW", "3 Series"), "328i": ("BMW", "3 Series"), "340i": ("BMW", "3 Series"),
    "m340i": ("BMW", "3 Series"), "miata": ("Mazda", "MX-5 Miata"), "mx5": ("Mazda", "MX-5 Miata"),
}  # fmt: skip


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


WORDLIKE_MODELS = _set(
    "pilot passport accord odyssey prologue outback rogue equinox mustang wrangler explorer"
    " expedition maverick suburban traverse colorado blazer frontier ascent gladiator renegade"
    " atlas carnival navigator enclave encore charger challenger defender escape edge ranger"
    " crown legacy leaf titan kicks fit insight venue soul rio stinger accent"
)
"""Models that are also English words: they need some vehicle context to count."""

CUE_WORDS = _set(
    "available availability stock price priced pricing cost test drive drives miles mileage"
    " interested interest looking buy buying purchase lease leasing finance financing see show"
    " have got any trim deal sale sell selling model models car cars vehicle vehicles want still"
    " left lot inventory quote photos pictures pics best cheapest newest book booking schedule"
    " appointment appt spin"
)
VEHICLE_NOUNS = _set("car cars vehicle vehicles auto autos ride rides")
OWNER_WORDS = _set("my our mine")
TRADE_WORDS = _set("trade trading traded tradein")
JOIN_STOPS = _set("a an i the to of or and in on at is it for my")
TRIM_SKIP = _set("awd 4wd fwd rwd 4x4 hybrid")
FUNCTION_WORDS = _set(
    """a an the for to of in on at my me it is and or you u ur i we our so if by up as be do go
    no not but can get got how any all are was has had her his him she he its one out see too
    who why yes yet with from this that then than what when just pls"""
)
"""Short words two of which can spell a model by accident ("for the" ~ "Forte")."""
COMMON_WORDS = _set(
    """about above after again against all also always another anything anyone around away back
    bad because been before being below best better between both bring brought call came can
    cannot cary check civil come comes coming could daughter day days deal dear does doing done
    down drive during each either else even every family fine first from game give going gone good
    great half have having hello help here high home hope hours into just keep kind know last
    later least left less like little long look made make many maybe mean might mind model money
    month more morning most much must name need never next nice night none nothing number offer
    often okay once only open other over part pass people pick place plan play please plot point
    quick quite rather ready real really right road same says school seat seats second see seen
    send series should show since some something soon sport sports start still such sure take
    talk tell than thank thanks that them then there these they thing things think this those
    though time today told tomorrow took towards under until upon very wait want week weekend
    well went were what when where which while will wish with wife without work would
    wrangle year years yesterday your yours according afford support sat sun mon tue wed thu fri
    sunday monday tuesday wednesday thursday friday saturday out one two get got let put set how
    why who yes any all new old big way car you are was has had not but off per via ask its our
    his her him she own few lot range grand land"""
)
"""English words that fuzzy matching ignores (so "plot" is never Pilot, "model" never Model 3)."""

FEATURE_CONCEPTS: tuple[tuple[str, str, str], ...] = (
    ("AWD", r"\b(?:awd|4wd|4x4|4 ?by ?4|(?:all|four|4)[- ]?wheel(?:[- ]drive)?|xdrive)\b",
     r"\b(?:awd|4wd|4x4|xdrive)\b"),
    ("third row", r"\b(?:third|3rd)[- ]?row\b|\b(?:3|three)[- ]rows?\b"
     r"|\b(?:7|8|seven|eight)[- ]?(?:seats?|seaters?|passengers?)\b|\bseats? (?:7|8|seven|eight)\b",
     r"\b(?:third|3rd)[- ]row|\b[78]-passenger"),
    ("heated seats", r"\bheated (?:front |rear )?seats?\b|\bseat heaters?\b",
     r"\bheated\b.*\bseats?\b"),
    ("Apple CarPlay", r"\b(?:apple )?car ?play\b", r"\bcarplay\b"),
    ("Android Auto", r"\bandroid(?: auto)?\b", r"\bandroid auto\b"),
    ("moonroof", r"\b(?:moon|sun) ?roofs?\b|\bpanoramic(?: roof)?\b|\bglass roof\b",
     r"\b(?:moonroof|sunroof|glass roof)\b"),
    ("hybrid", r"\bhybrids?\b", r"\bhybrid\b"),
    ("electric", r"\b(?:electric|evs?|plug[- ]in)\b",
     r"\b(?:dc fast charging|electric|dual-motor)\b"),
    ("leather seats", r"\bleather\b", r"\bleather(?!ette)"),
    ("tow package", r"\btow(?:ing)?\b|\btrailer\b|\bhitch\b",
     r"\btow|\btrailer|\bfifth[- ]wheel|\bgooseneck"),
    ("remote start", r"\bremote (?:engine )?start(?:er)?\b", r"\bremote (?:engine )?start\b"),
    ("premium audio", r"\bpremium (?:audio|sound|stereo)\b|\bbose\b|\bsound system\b",
     r"\b(?:premium audio|bose|b&o)\b"),
    ("navigation", r"\bnav(?:igation)?\b|\bgps\b", r"\b(?:navigation|google built-in)\b"),
    ("blind spot monitoring", r"\bblind[- ]?spot\b", r"\bblind[- ]spot\b"),
    ("wireless charging", r"\bwireless (?:phone )?charg(?:er|ing)\b",
     r"\bwireless phone charger\b"),
    ("heated steering wheel", r"\bheated (?:steering )?wheel\b", r"\bheated steering wheel\b"),
    ("backup camera", r"\b(?:backup|back-up|rear ?view|reversing) camera\b", r"\bcamera\b"),
    ("diesel", r"\b(?:diesels?|cummins|duramax|power ?stroke|tdi)\b",
     r"\b(?:diesel|cummins|duramax|power ?stroke|tdi)\b"),
    ("manual transmission", r"(?<!owner's )(?<!owners )\b(?:manual(?: transmission| trans)?"
     r"|stick(?: ?shift)?|\d-speed manual)\b(?! (?:seats?|mode|override))",
     r"\b(?:manual|\d ?mt)\b"),
)  # fmt: skip
"""(label, shopper-text pattern, pattern over a vehicle's lower-cased features and trim)."""

CONCEPTS = tuple((label, re.compile(t), re.compile(v)) for label, t, v in FEATURE_CONCEPTS)
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_REWRITES = (
    (re.compile(r"[‘’`]"), "'"), (re.compile(r"[–—]"), "-"),
    (re.compile(r"\bpick-ups?\b"), "pickup"), (re.compile(r"\bmini[- ]vans?\b"), "minivan"),
    (re.compile(r"\bpre[- ]?owned\b"), "preowned"),
    (re.compile(r"\bsecond[- ]hand\b"), "secondhand"),
)  # fmt: skip


def prepare(text: str) -> str:
    """`text` lower-cased, with one spelling for quotes, dashes and two-word terms."""
    text = text.lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text


def tokens(text: str) -> list[str]:
    """The lower-case words and numbers of `text` ("ex-l" is two tokens, "1.5t" one)."""
    return _TOKEN.findall(text.lower())


def compact(text: str) -> str:
    """`text` without case, spaces or punctuation: "CR-V" and "cr v" are both "crv"."""
    return "".join(tokens(text)).replace(".", "").replace("'", "")


def singular(key: str) -> list[str]:
    """`key`, then without a plural "s" ("civics" -> "civic")."""
    return [key, key[:-1]] if len(key) > 3 and key.endswith("s") else [key]


def close(token: str, choices: Iterable[str], cutoff: float | None = None) -> str | None:
    """The choice nearest `token`: rapidfuzz ratio >= `cutoff` (if None: 85 up to 5 letters,
    else 80), or else the same letters with two neighbours swapped ("hodna" -> "honda")."""
    pool = list(choices)
    limit = cutoff if cutoff is not None else (85.0 if len(token) <= 5 else 80.0)
    if (best := process.extractOne(token, pool, scorer=fuzz.ratio, score_cutoff=limit)) is not None:
        return best[0]
    return next(
        (c for c in pool if sorted(c) == sorted(token) and OSA.distance(c, token) == 1), None
    )


def joinable(window: list[str], name: str) -> bool:
    """Whether tokens may be glued into one name: "cr v", "f 150", "santa fe", not "out back"."""
    if len(window) == 1:
        return True
    if any(t in JOIN_STOPS for t in window):
        return False
    named = tokens(name)  # "super dutys" is "Super Duty" too
    plural = [*window[:-1], singular(window[-1])[-1]]
    return any(len(t) <= 2 or not t.isalpha() for t in window) or named in (window, plural)


def contains(words: list[str], seq: list[str]) -> bool:
    """Whether `seq` occurs in `words` as a run."""
    n = len(seq)
    return n > 0 and any(words[i : i + n] == seq for i in range(len(words) - n + 1))


def paint_colours(paint: str | None) -> set[str]:
    """The basic colours of a paint name: its own colour words ("Sage Gray" -> gray), else
    what its words suggest ("Blizzard Pearl" -> white)."""
    words = tokens(paint or "")
    basic = {COLOR_WORDS[t] for t in words if t in COLOR_WORDS}
    return basic or {PAINT_WORDS[t] for t in words if t in PAINT_WORDS}
