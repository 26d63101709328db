"""The numbers in a shopper's text that filter a vehicle search: price bounds ("under 25k",
"around $30,000", "20-25k"), a mileage ceiling ("under 50k miles", "low miles") and model years
("2019 or newer", "2018-2021"). Monthly and down payments, phone numbers and the year of the
shopper's own car ("my 2015") are consumed and ignored. Used by `agent.nlu.vehicles`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
