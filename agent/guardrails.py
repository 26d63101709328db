"""The output guardrail: every reply is checked before it leaves, whatever the engine.

A reply fails when it states a dollar amount that is neither an inventory price nor written in
the dealership's knowledge, when it offers, discounts, approves or promises (a price hold, an
approval, "in writing"; "I can't promise that" is fine), when it shows contact details of
anyone but this shopper and the dealership, when it repeats the system prompt or names the
agent's tools, when it plays a persona a shopper asked for ("Developer mode enabled", "As your
uncle ..."), when it insults, or when it is not a chat reply at all (code, an essay). A failing
reply is replaced by a safe one; the violations are returned for logging and counting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from crm_store.records import DealershipRecord

# Linear time on any text: a bare amount starts at most one character into a run of digits
# and commas, an e-mail where its run of address characters starts, a line of code at the
# first blank of its own line (not at each line of a run of blank lines).
_MONEY = re.compile(
    r"(?:\$\s?(?P<a>\d[\d,]*(?:\.\d{1,2})?)\s*(?P<k>[kK]\b)?)"
    r"|(?:\b(?<![\d,]{2})(?P<b>\d[\d,]*(?:\.\d{1,2})?)\s*(?:dollars|usd|bucks)\b)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w$])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""An e-mail address in chat text: the one pattern for the contacts a reply may repeat (here)
and for the address a shopper gives (the offline engine's `contact`)."""
_COMMITMENT = re.compile(
    r"\b("
    r"legally binding|binding (?:offer|agreement|contract|price|deal)|this is binding|"
    r"no takesies|discount(?:ed|s)?|\d+\s?(?:%|percent) off|(?:\$\s?\d[\d,]*|\d+k?) off\b|"
    r"(?:special|exclusive|final|firm|best|limited[- ]time) (?:offer|deal|price)|"
    r"(?:i|we) (?:can|could|will|'ll) (?:offer|give|do|sell|match|beat|knock|take|go)\b"
    r"[^.?!]{0,60}?(?:\$\s?\d|\d+k\b|%|percent|off the|discount|deal|lower|less)|"
    r"you(?:'re| are) (?:pre-?)?approved|(?:pre-?)?approv(?:ed|al) (?:is )?guaranteed|"
    r"guaranteed? (?:approval|financing|price|trade)|we guarantee|"
    r"(?:it's|it is|that's|that is) a deal|deal!|sold to you|"
    r"(?:free|complimentary) (?:car|vehicle|truck|suv)"
    r")",
    re.IGNORECASE,
)
# Promises the dealership never makes in a chat; a negation just before ("I can't promise the
# price won't change") makes it a refusal, not a promise.
_PROMISE = re.compile(
    r"\b(?:i|we) (?:promise|guarantee|swear|assure you)\b"
    r"|\b(?:put|get|have|give|confirm|send)\b[^.?!]{0,30}\bin writing\b"
    r"|\b(?:price|rate|deal|quote)(?: is| will be| stays?| remains?)? (?:locked|held|frozen"
    r"|protected|guaranteed)\b|\block(?:ed|ing)? in (?:the |that |this |your |a )?(?:price|rate"
    r"|deal|quote|\$)|\b(?:won'?t|will not|never) (?:go up|increase|change|rise)\b"
    r"|\byou(?:'ll| will) (?:definitely |certainly |surely |easily )?(?:be approved|get approved"
    r"|qualify for (?:financing|a loan|credit)|be financed)\b"
    r"|\bhonou?r (?:that|the|this|your) (?:\w+ )?(?:price|quote|offer)\b"
    r"|\b(?:sell|give|let)\b[^.?!]{0,40}\bat (?:dealer )?(?:cost|invoice)\b"
    r"|\b(?:you'?ve|you have|we'?ve|we have) (?:got )?(?:a|yourself a) deal\b"
    r"|(?<!choice )(?<!decision )(?<!call )\bis (?:all )?yours\b|\bit'?s (?:all )?yours\b"
    r"|^\W*(?:approved|confirmed|agreed)\W*$",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|unable|can'?t|won'?t|don'?t|doesn'?t|isn'?t|aren'?t)\b", re.I
)
# A persona or "mode" a shopper talked the model into.
_PERSONA = re.compile(
    r"\b(?:developer|dev|god|admin|debug|jailbreak|jailbroken|unrestricted|unfiltered|dan) mode\b"
    r"|\bmode (?:enabled|activated|unlocked|engaged)\b|\bjailbr(?:eak|oken)\b|\bdo anything now\b"
    r"|\b(?:as|i am|i'm) (?:dan|your (?:uncle|dad|father|brother|cousin|friend|grandpa|aunt|mom"
    r"|buddy))\b|\bno (?:rules|restrictions|limits|filters|guidelines) (?:apply|here|for me"
    r"|anymore|now)\b|\bstay(?:ing)? in character\b|^\W*(?:dan|uncle \w+)\s*:",
    re.IGNORECASE,
)
_ABUSIVE = re.compile(
    r"\b(?:stupid|idiot\w*|moron\w*|dumb(?:ass)?|loser|shut up|pathetic|screw you|go to hell"
    r"|piss off|jackass|fuck\w*|shit\w*|bitch\w*|asshole\w*|bastard\w*|damn\w*|crap\w*)\b",
    re.IGNORECASE,
)
# Not a chat reply: code, or an essay (the assistant writes two or three SMS-sized sentences).
_CODE = re.compile(
    r"```|^[^\S\n]*(?:def \w+\(|import \w+|from [\w.]+ import |class \w+[:(]|function \w*\("
    r"|<script)",
    re.MULTILINE,
)
MAX_REPLY_CHARS = 1200
_IDENTIFIER = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def dollar_amounts(text: str) -> set[Decimal]:
    """Every dollar amount written in `text` ("$23,995", "$1.50", "$25k", "85 dollars")."""
    found: set[Decimal] = set()
    for match in _MONEY.finditer(text):
        raw = (match.group("a") or match.group("b") or "").replace(",", "").rstrip(".")
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            continue
        if match.group("k"):
            amount *= 1000
        found.add(amount.quantize(Decimal("0.01")))
    return found


@dataclass(frozen=True)
class GuardContext:
    allowed_amounts: frozenset[Decimal]
    allowed_contacts: frozenset[str] = frozenset()  # digits of phones, lower-case e-mails
    system_prompt: str = ""
    approved_texts: tuple[str, ...] = ()  # the dealership's own published wording
    internal_names: frozenset[str] = frozenset()  # tool names; never said to a shopper


@dataclass(frozen=True)
class Verdict:
    ok: bool
    violations: tuple[str, ...] = field(default_factory=tuple)


def check_reply(text: str, ctx: GuardContext) -> Verdict:
    problems: list[str] = []
    allowed = {a.quantize(Decimal("0.01")) for a in ctx.allowed_amounts}
    for amount in sorted(dollar_amounts(text)):
        if amount not in allowed:
            problems.append(f"ungrounded_price:{amount}")
    approved = [_words(t) for t in ctx.approved_texts]
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        match = _COMMITMENT.search(sentence)
        # The dealership's own published sentences ("an online estimate is not a final
        # offer") are quoted, not promised; anything else with such words is refused.
        if match is not None and not any(_words(sentence) in a for a in approved):
            problems.append(f"commitment:{match.group(0).lower()}")
        for promise in _PROMISE.finditer(sentence):
            before = sentence[: promise.start()].split()[-5:]
            if not _NEGATION.search(" ".join(before)) and not any(
                _words(sentence) in a for a in approved
            ):
                problems.append(f"commitment:{promise.group(0).lower().strip()}")
        if (persona := _PERSONA.search(sentence)) is not None:
            problems.append(f"persona:{persona.group(0).lower().strip()}")
        if (insult := _ABUSIVE.search(sentence)) is not None:
            problems.append(f"abusive:{insult.group(0).lower()}")
    # what the dealership's own pages write (a service department's direct line) is its own
    contacts = ctx.allowed_contacts | published_contacts(ctx.approved_texts)
    for phone in _PHONE.findall(text):
        digits = re.sub(r"\D", "", phone)[-10:]
        if not any(c.endswith(digits) for c in contacts):
            problems.append("foreign_contact:phone")
    for email in EMAIL.findall(text):
        if email.lower() not in contacts:
            problems.append("foreign_contact:email")
    if ctx.system_prompt and _leaks(text, ctx.system_prompt):
        problems.append("system_prompt_leak")
    internal = ctx.internal_names | set(_IDENTIFIER.findall(ctx.system_prompt))
    if internal & set(_IDENTIFIER.findall(text.lower())):
        problems.append("system_prompt_leak:tool_name")
    if _CODE.search(text):
        problems.append("off_task:code")
    if len(text) > MAX_REPLY_CHARS:
        problems.append(f"off_task:length:{len(text)}")
    return Verdict(ok=not problems, violations=tuple(problems))


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w$%.,/-]+", text.lower()))


def _leaks(text: str, prompt: str, window: int = 8) -> bool:
    """True when the reply repeats any run of `window` words of the system prompt."""
    words = re.findall(r"\w+", prompt.lower())
    reply = " ".join(re.findall(r"\w+", text.lower()))
    grams = {" ".join(words[i : i + window]) for i in range(max(len(words) - window + 1, 0))}
    return any(g in reply for g in grams)


def contact_key(value: str) -> str:
    """How a phone or e-mail is kept in `allowed_contacts`."""
    return value.lower() if "@" in value else re.sub(r"\D", "", value)


def record_contacts(dealer: DealershipRecord) -> frozenset[str]:
    """The phones and e-mails the dealership's record publishes: its main line and each
    department's line and e-mail, as `contact_key` keeps them. Staff members' own phones and
    e-mails are in staff records, not here, and stay blocked."""
    published = [dealer.phone, *(c for d in dealer.departments for c in (d.phone, d.email))]
    return frozenset(contact_key(c) for c in published if c)


@lru_cache(maxsize=32)
def published_contacts(texts: tuple[str, ...]) -> frozenset[str]:
    """The phones and e-mails written in the dealership's own texts (its knowledge pages), as
    `contact_key` keeps them: a department's direct line there is the dealership's. A staff
    member's own number is not in the pages and stays someone else's contact."""
    found: set[str] = set()
    for text in texts:
        found |= {contact_key(p) for p in _PHONE.findall(text)}
        found |= {contact_key(e) for e in EMAIL.findall(text)}
    return frozenset(found)
