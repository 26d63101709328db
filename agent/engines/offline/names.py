"""The shopper's name, in the ways people sign a text: "my name is Dana", "im dana",
"its lena park", "name's dave", "this is marcus", "-brooke tan" or "Sent from Jo Reyes" at the
end, "alyssa grant, email alyssa@..." at the start.

A name is one or two words that are not words of the conversation itself: a vehicle, colour
or day word ("im off saturday", "its red", "this is the civic") is never taken as a name, and
neither is a staff-authority claim ("it's Maria from sales"); see `understand._introduces`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_WORD = r"[A-Za-z][A-Za-z'-]+"
_TWO = rf"({_WORD}(?:\s+(?:{_WORD}|[A-Za-z]\b\.?))?)"  # "Omar K", "Omar K."
# Openers that introduce a name; the weak ones ("i am", "im", "it's", "this is") also start
# sentences that are not introductions, so `understand._introduces` checks what follows.
OPENERS = re.compile(
    r"\b(?:my name is|my name's|my names|(?:the )?name's|(?:the )?names|name is|name:"
    r"|(?P<weak>i am|i'm|im|this is|it's|its)|call me)\s+" + _TWO,
    re.IGNORECASE,
)
# A signature at the end of a text: "-brooke tan", "~ jo", "Sent from Jo Reyes", "thx, dave".
SIGNATURE = re.compile(
    r"(?:(?<=\s)|^)(?:[-~–—]\s*|sent from\s+|(?:thanks|thank you|thx|ty|cheers)\s*[,!-]+\s*)"
    + _TWO
    + r"\s*[.!]?\s*$",
    re.IGNORECASE,
)
# A name leading a message of contact details: "alyssa grant, email ...", "Jo Reyes - 805...".
LEADING = re.compile(
    r"^\s*"
    + _TWO
    + r"\s*[,:-]\s*(?=.*(?:@|\d{3}\D?\d{3}\D?\d{4}|\b(?:e-?mail|phone|cell|number)\b))",
    re.IGNORECASE,
)


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


NOT_NAMES = _words(
    """
    looking interested here good fine ok okay just a an the not ready trying going wondering
    also still on at in so very available free coming sorry thinking back done new sure from
    by with for and texting again about today tonight tomorrow tmrw asap when whenever after
    before later now anytime if please pls right soon regarding around between directly
    instead off out down busy open cool curious almost gonna late flexible only near there
    local nearby broke happy currently definitely probably really kinda pretty me my your you
    we us it that this what who hi hey hello yes yeah yep no nope thanks thank thx ty cheers
    sent iphone android phone samsung mobile email e-mail cell number call text gmail outlook
    yahoo urgent sold broken interested calling writing reaching following checking on trying
    wanting who's monday tuesday wednesday thursday friday saturday sunday mon tue tues wed
    thu thur thurs fri sat sun weekend morning afternoon evening night noon week month year
    red blue black white gray grey silver green gold yellow orange brown beige tan purple
    maroon burgundy pearl metallic car cars truck trucks suv suvs van minivan sedan coupe
    hatchback vehicle ride one btw lol haha fyi tbh thnx pls plz asap
    """
)


def candidates(text: str) -> Iterator[tuple[re.Match[str], bool]]:
    """Each place a name may be given, with whether it follows a weak opener."""
    for match in OPENERS.finditer(text):
        yield match, match.group("weak") is not None
    for pattern in (SIGNATURE, LEADING):
        if (found := pattern.search(text)) is not None:
            yield found, False


def clean(words: list[str], is_vehicle_word: Callable[[str], bool] | None = None) -> str | None:
    """The name as written to the record ("Dana", "Lena Park"); None when the first word is
    no name. A common second word ("im dana btw" -> "Dana") is dropped; a surname may be a
    colour ("Brooke Tan")."""

    def bad(word: str) -> bool:
        lower = word.lower()
        return lower in NOT_NAMES or bool(is_vehicle_word and is_vehicle_word(lower))

    if not words or bad(words[0]):
        return None
    kept = [words[0]]
    if len(words) > 1:
        last = words[1].lower()
        colour_surname = last in {"tan", "gray", "grey", "brown", "green", "white", "black", "gold"}
        if colour_surname or not bad(words[1]):
            kept.append(words[1])
    return " ".join(w[:1].upper() + w[1:].lower() for w in kept)


def without_signature(text: str) -> str:
    """The text without a trailing signature ("-brooke tan" is no tan car)."""
    match = SIGNATURE.search(text)
    return text[: match.start()].rstrip() if match else text
