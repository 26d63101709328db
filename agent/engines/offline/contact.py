"""The contact details in a shopper's message: an e-mail, a phone number and the name they
introduce themselves with ("my name is Ana", "it's mike, mike chen", "its katie not kate"),
never a vehicle, colour or day word, nor a claim of staff authority ("this is Daniel, the GM").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent.engines.offline import names
from agent.engines.offline.pointing import describes
from agent.guardrails import EMAIL
from agent.nlu.vehicles import InventoryVocabulary

# Patterns over shopper text start only where the character before cannot continue their
# leading run (`(?<!...)`): a long run is then scanned once, not once per position (linear).
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
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


def contact_details(text: str, vocabulary: InventoryVocabulary | None = None) -> dict[str, str]:
    """E-mail, phone and the shopper's name (`names`: never a vehicle, colour or day word)."""
    found: dict[str, str] = {}
    if (email := EMAIL.search(text)) is not None:
        found["email"] = email.group(0)
    if (phone := _PHONE.search(text)) is not None:
        found["phone"] = phone.group(0)

    def vehicle_word(word: str) -> bool:
        if word in _NOT_NAMES or vocabulary is None:
            return word in _NOT_NAMES
        query = vocabulary.parse(word)  # "awd", "leather", "cpo": what a car has, no name
        return describes(query) or bool(query.features or query.condition)

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
