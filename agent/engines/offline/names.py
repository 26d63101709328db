"""The shopper's name, in the ways people sign a text: "my name is Dana", "im dana",
"its lena park", "name's dave", "this is marcus", "-brooke tan" or "Sent from Jo Reyes" at the
end, "alyssa grant, email alyssa@..." at the start.

A name is one or two words that are not words of the conversation itself: a vehicle, colour
or day word ("im off saturday", "its red", "this is the civic") is never taken as a name, and
neither is a staff-authority claim ("it's Maria from sales"); see `contact._introduces`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_WORD = r"[A-Za-z][A-Za-z'-]+"
_TWO = rf"({_WORD}(?:\s+(?:{_WORD}|[A-Za-z]\b\.?))?)"  # "Omar K", "Omar K."
# Openers that introduce a name; the weak ones ("i am", "im", "it's", "this is") also start
# sentences that are not introductions, so `contact._introduces` checks what follows.
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


# Words that follow "this is"/"its"/"im" in a sentence that is no introduction ("this is
# ridiculous", "its due friday", "im super excited"): how things are, how the shopper feels,
# what they are doing. Their inflections ("cheaper", "annoyed", "seriously") are derived in
# `looks_like_name`, so a base form is enough here.
COMMON = _words(
    """
    ridiculous great awesome amazing crazy insane nuts wild annoying frustrating terrible
    horrible awful bad worse worst nice cool weird strange odd funny sad mad upset angry
    fair true false real fake wrong correct perfect excellent fantastic wonderful beautiful
    gorgeous ugly cheap pricey expensive costly affordable high low big small huge tiny long
    short quick slow fast easy hard simple tough rough fine due gone over past overdue
    late early outside inside home away abroad upstairs downstairs here there everywhere
    worth enough too kinda sorta super totally literally seriously honestly actually
    basically really truly probably maybe perhaps already always never sometimes usually
    confused tired sick scared worried nervous excited hoping hopeful stuck lost desperate
    bored broke poor glad thankful grateful lucky unlucky impatient patient serious
    interested waiting driving working leaving heading headed walking calling asking
    wanting needing planning comparing shopping browsing deciding considering leaning
    stopping dropping picking coming selling buying trading leasing financing paying
    supposed meant allowed able unable unsure certain positive negative clear unclear
    possible impossible important urgent normal typical standard stock automatic auto
    manual sporty roomy comfy comfortable spacious reliable safe loud quiet clean dirty
    used certified hybrid electric gas diesel turbo leather cloth sport touring elite limited
    premium base platinum trim loaded fully sold pending hot cold warm cute pretty
    thinking guessing wondering figuring assuming sure alright aight ight bet legit lit
    been getting gotta gonna tryna wanna about like kind sort lot bit mess joke scam ripoff
    shame pain problem issue question thing deal offer price quote number payment lease
    loan its im is was thats that's ev fwd rwd awd 4wd 2wd 4x4 phev cvt mpg lx ex exl se le
    xle sel sv gt si rs st cash finance check card trade buy rent tax fee total otd msrp apr
    """
)
# Endings of adjectives, adverbs and abstract nouns that no given name has ("ridiculous",
# "hopeful", "expensive", "literally", "confirmation"); "-ing"/"-ed" are checked on longer
# words only (a name may end in them: "Ming", "Ted").
_NOT_NAME_ENDINGS = (
    "ous", "ful", "less", "able", "ible", "ative", "sive", "tive", "ally", "ously", "fully",
    "ately", "ently", "antly", "ibly", "ably", "edly", "ingly", "iness", "tic", "ual",
    "ical", "tial", "ment", "ness", "tion", "sion", "ient", "llent", "tant", "ize", "ized",
)  # fmt: skip


def _stems(word: str) -> Iterator[str]:
    """The base forms `word` may inflect: "cheaper" -> "cheap", "annoyed" -> "annoy",
    "easier" -> "easy", "bigger" -> "big"."""
    yield word
    for suffix in ("er", "est", "ly", "ed", "ing", "s", "es", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            yield stem
            yield stem + "e"  # "closer" -> "close"
            if stem.endswith("i"):
                yield stem[:-1] + "y"  # "easier" -> "easy"
            if len(stem) > 3 and stem[-1] == stem[-2]:
                yield stem[:-1]  # "bigger" -> "big"


def looks_like_name(word: str) -> bool:
    """Whether a lower-case word after a loose opener ("its", "im", "this is") may be a
    given name: no common word or one of its inflections, no adjective or adverb ending, no
    digits."""
    lower = word.lower()
    if not lower.isalpha() and not re.fullmatch(r"[a-z]+(?:['-][a-z]+)*", lower):
        return False
    if lower in NOT_NAMES or any(stem in COMMON for stem in _stems(lower)):
        return False
    if len(lower) >= 6 and lower.endswith(_NOT_NAME_ENDINGS):  # "Sally", "Mable" are names
        return False
    return not (len(lower) >= 5 and lower.endswith(("ing", "ed")))


# Words that carry a state on ("set for friday", "down to come", "late by 10"); a name is
# followed by a surname, a comma, "from" or a sign-off instead.
_STATE_RUNS_ON = _words("for to at on with by in into about until till if")


def states(rest: str) -> bool:
    """Whether the lower-case word starting `rest` (after a loose "im"/"its") says how the
    shopper stands rather than who they are: it sits in a question ("so im set?") or runs on
    into what it is for ("im set for friday", "im down to come at 5")."""
    clause = re.match(r"[^,.!?;]*([,.!?;]?)", rest)
    after = rest.split()[1:2]
    asked = clause is not None and clause.group(1) == "?"
    return asked or bool(after and after[0].lower() in _STATE_RUNS_ON)


# An explicit correction of the name: "its katie not kate", "actually its jon not john",
# "katie not kate lol": `now` is the name, `was` the one it corrects.
CORRECTION = re.compile(
    r"(?:^|[.!?,]\s*|\b(?:actually|no|nope|sorry|oops)[\s,]+"
    r"|\b(?P<opener>its|it's|it is|im|i'm|i am|this is|my name is|name's|names)\s+)"
    rf"(?P<now>{_WORD})\s*,?\s+not\s+(?P<was>{_WORD})\b",
    re.IGNORECASE,
)
