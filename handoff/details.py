"""What the shopper said about their trade-in, financing and budget, pulled from their own
messages for the handoff summary (so the salesperson does not have to ask again).

Each function returns a short readable note, or None when the shopper said nothing about it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A number starts at most one character into a run of digits and commas, so a long run is
# scanned a bounded number of times, not once per position (linear time on any text).
_NUMBER = r"\$?\s?(?<![\d,]{2})(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|grand|thousand)?"
TRADE_CUES = re.compile(
    r"\btrad(e|ing)[- ]?in+\b|\btrade\b|\b(my|our) (current |old )?(car|truck|suv|van|ride)\b"
    r"|\bworth\b|\bgive me for\b|\bappraise",
    re.I,
)
YEAR = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")
YEAR_AND_MODEL = re.compile(
    r"\b(19[89]\d|20[0-3]\d)\s+([a-z][a-z0-9-]*(?:\s+[a-z][a-z0-9-]*)?)", re.I
)
MILEAGE = re.compile(_NUMBER + r"\s?(miles|mi|k miles)\b", re.I)
CREDIT = re.compile(
    r"\b(?:credit|score|fico)\D{0,20}([3-8]\d\d)\b|\b([3-8]\d\d)\s?(?:credit|score|fico)\b", re.I
)
CREDIT_WORDS = re.compile(
    r"\b(bad|poor|no|good|great|excellent|fair|bankrupt\w*|repo\w*)\s+credit\b", re.I
)
DOWN = re.compile(_NUMBER + r"\s?(down|down payment)\b", re.I)
MONTHLY = re.compile(_NUMBER + r"\s?(a|per|/)\s?(month|mo)\b", re.I)
BUDGET = re.compile(
    r"\b(under|below|less than|max(?:imum)?|budget(?: is| of)?|up to|no more than|around)\s+"
    + _NUMBER,
    re.I,
)
STOP_WORDS = {"with", "that", "and", "but", "for", "to", "in", "miles", "mi", "k"}


def trade_in(texts: Sequence[str]) -> str | None:
    """e.g. '2015 Civic, 80,000 miles' from "i have a 2015 civic with 80k miles to trade in"."""
    for text in texts:
        if not TRADE_CUES.search(text):
            continue
        parts: list[str] = []
        if found := YEAR_AND_MODEL.search(text):
            words = [w for w in found.group(2).split() if w.lower() not in STOP_WORDS]
            parts.append(" ".join([found.group(1), *(w.capitalize() for w in words)]))
        elif found_year := YEAR.search(text):
            parts.append(found_year.group(1))
        if miles := MILEAGE.search(text):
            amount = float(miles.group(1).replace(",", ""))
            if miles.group(2) or miles.group(3).lower() == "k miles" or amount < 1000:
                amount *= 1000
            parts.append(f"{int(amount):,} miles")
        if parts:
            return ", ".join(parts)
    return None


def financing(texts: Sequence[str]) -> str | None:
    """e.g. 'credit score 640; $3,000 down; about $450/month'."""
    notes: list[str] = []
    for text in texts:
        if (score := CREDIT.search(text)) and "credit score" not in " ".join(notes):
            notes.append(f"credit score {score.group(1) or score.group(2)}")
        elif (words := CREDIT_WORDS.search(text)) and "credit" not in " ".join(notes):
            notes.append(f"{words.group(1).lower()} credit (own words)")
        if (down := DOWN.search(text)) and "down" not in " ".join(notes):
            notes.append(f"${_amount(down.group(1), down.group(2)):,} down")
        if (monthly := MONTHLY.search(text)) and "/month" not in " ".join(notes):
            notes.append(f"about ${_amount(monthly.group(1), monthly.group(2)):,}/month")
    return "; ".join(notes) or None


def budget(texts: Sequence[str]) -> str | None:
    for text in reversed(texts):
        if found := BUDGET.search(text):
            return f"up to ${_amount(found.group(2), found.group(3)):,}"
    return None


def _amount(number: str, unit: str | None) -> int:
    value = float(number.replace(",", ""))
    if unit or value < 200:
        value *= 1000
    return int(value)
