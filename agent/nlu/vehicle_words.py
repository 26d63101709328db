"""Inventory-independent language behind `agent.nlu.vehicles`: pure data and pure functions.

Synonyms for bodies, conditions and colours; well-known makes and models (so that "any Corollas?"
is understood with none in stock, and the search then honestly finds nothing); feature concepts;
the English words fuzzy matching must never turn into a model; token helpers; `Mentions`, the
bookkeeping of what a message names; and `take_numbers`, the money / mileage / year phrases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Model:
    """A model name and its make ("" when unknown)."""

    name: str
    make: str


class Mentions:
    """What a message's tokens name, in order, and which tokens a mention has taken."""

    def __init__(self, words: list[str]) -> None:
        self.tokens, self.used = words, [False] * len(words)
        self.models: list[tuple[int, Model, bool]] = []
        self.makes: list[tuple[int, str]] = []
        self.conditions: list[tuple[int, str]] = []
        self.body: str | None = None
        self.color: str | None = None
        self.nouns = False

    def add_model(self, i: int, size: int, model: Model, wordlike: bool = False) -> None:
        self.used[i : i + size] = [True] * size
        self.models.append((i, model, wordlike))

    def add_make(self, i: int, size: int, make: str) -> None:
        self.used[i : i + size] = [True] * size
        self.makes.append((i, make))

    def take_words(self) -> None:
        """Take the body, colour and condition words (the first body and colour win)."""
        for i, token in enumerate(self.tokens):
            self.nouns = self.nouns or token in VEHICLE_NOUNS
            for key in [] if self.used[i] else singular(token):
                if key in BODY_WORDS and self.body is None:
                    self.body = BODY_WORDS[key]
                elif key in COLOR_WORDS and self.color is None:
                    self.color = COLOR_WORDS[key]
                elif key in CONDITION_WORDS:
                    self.conditions.append((i, key))
                else:
                    continue
                self.used[i] = True
                break

    def _owned(self, i: int) -> bool:
        """Whether the mention at `i` is the shopper's own car ("my civic", "trade in my ...")."""
        near, before = self.tokens[max(0, i - 2) : i], self.tokens[max(0, i - 4) : i]
        return any(t in OWNER_WORDS for t in near) or any(t in TRADE_WORDS for t in before)

    def model(self, context: bool, owned_too: bool = False) -> Model | None:
        """The first model not owned by the shopper; an English-word model needs `context`,
        a make, another model, or a message of one or two words."""
        backed = context or bool(self.makes) or len(self.models) > 1 or len(self.tokens) <= 2
        for i, model, wordlike in sorted(self.models, key=lambda m: m[0]):
            if (owned_too or not self._owned(i)) and (backed or not wordlike):
                return model
        return None

    def make(self) -> str | None:
        """The first make not owned by the shopper."""
        return next((m for i, m in sorted(self.makes) if not self._owned(i)), None)

    def condition(self, vehicle_word: bool) -> str | None:
        """The condition asked for: "certified" beats "used"; "new" with another means none;
        "new" needs `vehicle_word` (or "brand new"); "used to" / "I've used" are not used."""
        wanted: set[str] = set()
        for i, key in self.conditions:
            before = self.tokens[i - 1] if i else ""
            after = self.tokens[i + 1] if i + 1 < len(self.tokens) else ""
            if key == "used" and (after == "to" or before in {"i", "i've", "ive", "have", "had"}):
                continue
            if key != "new" or vehicle_word or before == "brand":
                wanted.add(CONDITION_WORDS[key])
        if "new" in wanted:
            return "new" if wanted == {"new"} else None
        return "certified" if "certified" in wanted else ("used" if wanted else None)


LOW_MILES = 30_000
_YEAR = r"(?<![\w.,$])((?:19[89]|20[0-4])\d)(?![\w,])"


def _amount(tag: str) -> str:
    """An amount such as `$25,000`, `25000`, `25k`, `25.5 k` or `25 grand`, groups tagged."""
    return (
        rf"(?<![\w.,$])(?P<d{tag}>\$)?\s?(?P<n{tag}>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?:\.\d+)?)"
        rf"\s?(?P<k{tag}>k|grand|thousand)?(?!\w)"
    )


_A, _B = _amount("a"), _amount("b")
_MILES = r"\s*(?:miles?|mi|mileage)\b"
_LESS = (
    r"(?:\b(?:under|below|less than|fewer than|lower than|max(?:imum)?"
    r"|no more than|up to|at most)|<)"
)
# An amount starts at most one character into a run of digits and commas (`_RUN_START`), so
# a long run is scanned a bounded number of times, not once per position (linear time).
_RUN_START = r"(?<![\d,]{2})"
_MONTHLY = re.compile(
    r"\+?\b1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b|"  # a phone number
    rf"\$?\s?{_RUN_START}\d[\d,]*(?:\.\d+)?\s?k?\s*(?:/\s*mo(?:nth)?\b|(?:a|an|per|each|every)"
    r"\s+month\b|monthly\b|mo\b)|\bpayments?\s+(?:(?:of|around|about|under|below|at)\s+)*\$?\s?"
    rf"\d[\d,]*|\$?\s?{_RUN_START}\d[\d,]*(?:\.\d+)?\s?k?\s+down\b"
    r"|\bdown\s+payment\s+(?:of\s+)?\$?\s?\d[\d,]*k?"
)
_MILEAGE = (
    ("max", re.compile(rf"{_LESS}\s*{_A}{_MILES}")),
    ("max", re.compile(rf"{_A}{_MILES}\s*(?:or less|or fewer|or under|or below|max|tops)\b")),
    ("max", re.compile(rf"\b(?:miles|mileage)\s*(?:of\s+)?{_LESS}\s*{_A}")),
    ("low", re.compile(r"\blow(?:er)?\s*(?:miles|mileage)\b")),
    ("skip", re.compile(rf"{_A}{_MILES}")),
)
_YEARS = (
    ("range", re.compile(rf"(?:between\s+|from\s+)?{_YEAR}\s*(?:-|to|and|through|thru)\s*{_YEAR}")),
    ("min", re.compile(rf"{_YEAR}\s*(?:\+|(?:or|and)\s+(?:newer|later|up|above|after))")),
    ("after", re.compile(rf"\b(?:newer than|later than|after)\s+{_YEAR}")),
    ("min", re.compile(rf"\b(?:at least|no older than|not older than)\s+{_YEAR}")),
    ("max", re.compile(rf"{_YEAR}\s*(?:or|and)\s+(?:older|earlier|before)\b")),
    ("before", re.compile(rf"\b(?:older than|before|earlier than|prior to)\s+{_YEAR}")),
    ("owned", re.compile(rf"(?:(?<=\bmy\s)|(?<=\bour\s)){_YEAR}")),
    ("bare", re.compile(_YEAR)),
)
_PRICES = (
    ("around", re.compile(rf"(?:\b(?:around|about|approx(?:imately)?|roughly|close to)|~)\s*{_A}")),
    ("range", re.compile(rf"(?:\bbetween\s+|\bfrom\s+)?{_A}\s*(?:-|to|and)\s*{_B}")),
    ("max", re.compile(rf"{_LESS}\s*{_A}")),
    ("max", re.compile(rf"\bbudget(?:\s+(?:is|of|at))?\s*:?\s*{_A}")),
    ("max", re.compile(rf"{_A}\s*(?:or less|or under|or below|or lower|max(?:imum)?|tops)\b")),
    ("min", re.compile(rf"(?:\b(?:over|above|more than|at least|min(?:imum)?)|>)\s*{_A}")),
    ("min", re.compile(rf"{_A}\s*(?:\+|or more|and up|or above|and above|or higher)")),
    ("max", re.compile(rf"\b(?:for|spend|pay|afford|got|have)\s+{_A}")),
)  # fmt: skip
_YEAR_LIKE = re.compile(r"(?:19[89]|20[0-4])\d")


@dataclass(frozen=True)
class Numbers:
    """The numeric filters found in a text; None where the text says nothing."""

    year_min: int | None = None
    year_max: int | None = None
    price_min: int | None = None
    price_max: int | None = None
    mileage_max: int | None = None


def parse_amount(number: str, thousands: bool = False) -> int:
    """`number` (digits, optional commas and decimals) as an int, times 1000 if `thousands`."""
    return round(float(number.replace(",", "")) * (1000 if thousands else 1))


def _money(m: re.Match[str], tag: str, thousands: bool = False) -> int | None:
    """The amount group `tag` of `m` in dollars, or None when it cannot be a car price.

    A number below 1000 is money only with a thousands suffix (or `thousands`, inherited from the
    other end of a range); a bare year-like number (1980-2049) without `$` or commas is not money.
    """
    raw, dollar, suffix = m[f"n{tag}"], m[f"d{tag}"], m[f"k{tag}"]
    thousands = thousands or bool(suffix)
    value = parse_amount(raw, thousands)
    if value < 1000 or (not (thousands or dollar or "," in raw) and _YEAR_LIKE.fullmatch(raw)):
        return None
    return value


def take_numbers(text: str) -> tuple[Numbers, str]:
    """Monthly payments, mileage, years and prices found in lower-case `text`.

    Returns the filters and the text with every consumed phrase blanked out. Monthly and down
    payments, "N miles" without a bound, and a year right after "my"/"our" (the shopper's own car)
    are consumed and ignored. Bare years give an exact year (or the span of several bare years)
    unless a bounded year phrase was found. The first phrase found for a field wins.
    """
    found: dict[str, int] = {}
    bare: list[int] = []
    text = _MONTHLY.sub(" ", text)
    for kind, pattern in _MILEAGE:
        for m in pattern.finditer(text):
            value = LOW_MILES if kind == "low" else parse_amount(m["na"], bool(m["ka"]))
            if kind != "skip" and value >= 1000:
                found.setdefault("mileage_max", value)
        text = pattern.sub(" ", text)
    for kind, pattern in _YEARS:
        for m in pattern.finditer(text):
            year = int(m[1])
            if kind == "range":
                found.setdefault("year_min", min(year, int(m[2])))
                found.setdefault("year_max", max(year, int(m[2])))
            elif kind in ("min", "after"):
                found.setdefault("year_min", year + (kind == "after"))
            elif kind in ("max", "before"):
                found.setdefault("year_max", year - (kind == "before"))
            elif kind == "bare":
                bare.append(year)
        text = pattern.sub(" ", text)
    if bare and "year_min" not in found and "year_max" not in found:
        found.update(year_min=min(bare), year_max=max(bare))
    for kind, pattern in _PRICES:
        for m in pattern.finditer(text):
            if kind == "range":
                high = _money(m, "b")
                small = parse_amount(m["na"]) < 1000
                low = _money(m, "a", thousands=bool(m["kb"]) and small)
                if high is None or low is None:
                    continue
                found.setdefault("price_min", min(low, high))
                found.setdefault("price_max", max(low, high))
            elif (dollars := _money(m, "a")) is None:
                continue
            elif kind == "around":
                found.setdefault("price_min", round(dollars * 0.9))
                found.setdefault("price_max", round(dollars * 1.1))
            else:
                found.setdefault(f"price_{kind}", dollars)
            text = text.replace(m[0], " ", 1)
    return Numbers(**found), text
