"""What a vehicle costs on top of its price: the doc fee, the tax rule, title and registration.

"whats out the door on the sonata, doc fee and taxes", "what fees are there on top of the
price", "is the price plus tax?": answered from the dealership's fee page (its own sentences,
each charge once) and, when a vehicle is in play, its listed price from the store. No total is
computed or promised (the guardrail allows only amounts written in the pages and inventory
prices, and a total depends on the buyer's address, trade and paperwork): a salesperson
prepares a written out-the-door quote. Asking for a better number ("best otd price", "can you
do 30k out the door", "knock off the doc fee") is a negotiation, paged by `handoff.detect`
before this runs.
"""

from __future__ import annotations

import re
from typing import Any

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.engines.offline import formatting as fmt
from agent.engines.offline.answers import documents
from agent.engines.offline.understand import Understanding
from contracts.dialogue import Slots, SlotUpdate

INTENT = "price_breakdown"
# The fee page is found by what it is about, whatever the shopper's words.
FEE_QUERY = "documentation fee, sales tax, title and registration fees on top of the price"
Call = tuple[str, dict[str, Any]]

# Informational intents a breakdown question may be classified as; a booking, a handoff or a
# refusal keeps its own intent.
_INFORMATIONAL = frozenset(
    {"knowledge", "vehicle_details", "inventory_search", "vehicle_feature", "out_of_scope"}
    | {"small_talk", "greeting"}
)
_I = re.IGNORECASE
_FEE = r"(?:(?:doc(?:umentation)?|dealer|processing|handling|admin\w*|prep) )?fees?"
# A charge of the purchase and its kind: a fee, the tax, the DMV's title and registration.
_PARTS = {
    "fee": re.compile(rf"\b{_FEE}\b", _I),
    "tax": re.compile(r"\btax(?:es)?\b", _I),
    "dmv": re.compile(r"\b(?:title|registration|tags|plates)\b", _I),
}
# ... and asking what it adds up to, or what a price has on top of it.
_TOTAL = re.compile(
    r"\b(?:out[- ]the[- ]door|out of the door|otd|all[- ]in|drive[- ]out|total|on top|plus"
    r"|break ?down|broken down|break it down|itemi[sz]\w*|line items?|includ\w*|incl|exclud\w*"
    r"|before tax\w*|after tax\w*|added|with (?:tax|taxes|fees))\b",
    _I,
)
_BREAKDOWN = re.compile(r"\b(?:break ?down|broken down|break it down|itemi[sz]\w*)\b", _I)
# A rough or all-inclusive total asked for ("out the door on it roughly", "the total w
# everything"): what goes into it is answered, no total promised.
_ROUGH = re.compile(
    r"\b(?:rough|roughly|ballpark|approx\w*|estimated?|ish|give or take|w(?:/|ith)? everything"
    r"|everything included|all together|altogether)\b",
    _I,
)
_OTD = re.compile(
    r"\b(?:out[- ]the[- ]door|out of the door|otd|all[- ]in|drive[- ]out|total)\b", _I
)
_PRICE = re.compile(r"\b(?:out[- ]the[- ]door|otd|all[- ]in|price|cost|total)\b", _I)
_ANY_FEES = re.compile(
    r"\b(?:what|any|other|hidden|extra|additional|all the|which)(?: other| hidden| extra"
    r"| additional)? (?:fees|charges)\b",
    _I,
)
# Dealer add-ons and markups ("any add ons required", "a forced addendum", "market adjustment"):
# what else may come on top of the price, answered by the fee page's own sentence on them.
_ADD_ON = re.compile(
    r"\badd[- ]?ons?\b|\baddendum\b|\bmarket adjust\w*|\bmark[- ]?ups?\b|\bmarked up\b", _I
)
# A service, parts or repair price has its own tax: not the purchase's fee page.
_SERVICE = re.compile(
    r"\b(?:oil change|service|repair|brakes?|tires?|detail\w*|labor|inspection|alignment"
    r"|battery|wipers?|rental|loaner|storage|delivery)\b",
    _I,
)

# The fee page's sentences, by what they state (checked in this order, each kind once).
_KINDS = (
    re.compile(r"\b(?:doc(?:umentation)?|processing|handling|dealer|admin\w*) fee\b", _I),
    re.compile(r"\btax(?:es)?\b", _I),
    re.compile(r"\b(?:title|registration|license|dmv)(?: and (?:title|registration))? fees?\b", _I),
    re.compile(
        r"\b(?:do not|does not|don't|doesn't|not) include\b|\bexclud\w*|\bitemi[sz]ed\b", _I
    ),
)
_AMOUNT = re.compile(r"\$\s?\d|\d(?:\.\d+)?\s?%")
_CHARGE = re.compile(r"\b(?:fees?|tax\w*|title|registration)\b", _I)
_TRADE = re.compile(r"\btrad(?:e|ing)\b", _I)
_MOST_SENTENCES = 4
_MOST_CHARS = 640  # of the page's sentences
_REPLY_CHARS = 1000  # the whole reply: under the guardrail's bound with the disclosure in front
_MOST_VEHICLES = 3


def asked(text: str) -> bool:
    """Whether `text` asks what is charged on top of a vehicle's price: two charges ("tax and
    title"), a charge and a total ("is the price plus tax", "otd with doc fee"), fees in
    general ("what fees are there"), add-ons ("any add ons required") or a breakdown of the
    price."""
    if _SERVICE.search(text):
        return False
    kinds = {kind for kind, pattern in _PARTS.items() if pattern.search(text)}
    return bool(
        len(kinds) >= 2
        or (kinds and _TOTAL.search(text))
        or _ANY_FEES.search(text)
        or _ADD_ON.search(text)
        or (_BREAKDOWN.search(text) and _PRICE.search(text))
        or (_ROUGH.search(text) and _OTD.search(text))
    )


def refined(intent: str, text: str) -> str:
    """The turn's intent: `INTENT` for a breakdown question read as an informational one."""
    return INTENT if intent in _INFORMATIONAL and asked(text) else intent


def calls(m: Understanding, slots: Slots) -> list[Call]:
    """The vehicle in play (its price from the store) and the fee page."""
    focus = slots.get("vehicle_of_interest")
    found: list[Call] = []
    if m.reference:
        found.append(("get_vehicle", {"stock": m.reference}))
    elif not m.query.is_empty():  # "the sonata" among three shown: their prices
        found.append(("search_inventory", _search_args(m)))
    elif m.candidates and slots.get("search"):
        found.append(("search_inventory", dict(slots["search"])))
    elif focus:
        found.append(("get_vehicle", {"stock": str(focus)}))
    return [*found, ("search_knowledge", {"query": FEE_QUERY})]


def reply(
    m: Understanding,
    slots: Slots,
    results: list[tuple[str, dict[str, Any]]],
    ctx: TurnContext,
    deps: AgentDeps,
) -> tuple[str, SlotUpdate] | None:
    """The listed price(s) and the fee page's charges; None when this is no breakdown turn or
    it cannot be answered so (no fee page, a vehicle no longer for sale, a person paged)."""
    if slots.get("last_intent") != INTENT or any(n == "request_human" for n, _ in results):
        return None
    pages = [r for n, r in results if n == "search_knowledge" and r.get("passages")]
    if not pages or pages[-1].get("weak"):
        return None
    vehicles = _vehicles(results)
    if vehicles is None:
        return None
    title = str(pages[-1]["passages"][0]["title"])
    docs = documents(ctx, deps)
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    prices = _prices(vehicles, seed) if vehicles else ""
    quote = prompts.render("breakdown_quote", seed)
    room = _REPLY_CHARS - len(prices) - len(quote) - len(title) - 16
    page = docs.get(title) or pages[-1]["passages"][0]["text"]
    stated = fee_sentences(page, m.text, most_chars=min(_MOST_CHARS, room))
    if not stated:
        return None
    answer = f"{' '.join(stated)} (Source: {title})"
    return " ".join(p for p in (prices, answer, quote) if p), {"pending": None}


def fee_sentences(page: str, asked_text: str, *, most_chars: int = _MOST_CHARS) -> list[str]:
    """The page's sentences that state its charges, each kind once (the doc fee, the tax,
    title and registration, what the prices leave out), then others with an amount, in page
    order; a trade-in's effect only when the shopper mentions one, and what the page says of
    add-ons first when the shopper asks about them."""
    sentences = _sentences(page)
    add_ons = bool(_ADD_ON.search(asked_text))
    usable = [
        i
        for i, s in enumerate(sentences)
        if (_CHARGE.search(s) or (add_ons and _ADD_ON.search(s)))
        and (not _TRADE.search(s) or _TRADE.search(asked_text))
    ]
    asked_terms = _add_on_terms(asked_text)  # "add-ons" asked: the add-on sentence, then markup
    about = [i for i in usable if add_ons and _add_on_terms(sentences[i])]
    chosen = sorted(about, key=lambda i: not _add_on_terms(sentences[i]) & asked_terms)[:2]
    for kind in _KINDS:
        matching = [i for i in usable if kind.search(sentences[i])]
        if matching and not set(matching) & set(chosen):
            priced = [i for i in matching if _AMOUNT.search(sentences[i])]
            chosen.append((priced or matching)[0])
    traded = bool(_TRADE.search(asked_text))  # "tax and fees with my trade": its rule too
    chosen += [
        i
        for i in usable
        if i not in chosen
        and (_AMOUNT.search(sentences[i]) or (traded and _TRADE.search(sentences[i])))
    ]
    kept: list[int] = []
    for i in chosen[:_MOST_SENTENCES]:
        if sum(len(sentences[k]) + 1 for k in kept) + len(sentences[i]) <= most_chars:
            kept.append(i)
    return [sentences[i] for i in sorted(kept)]


def _add_on_terms(text: str) -> set[str]:
    """The add-on words of `text`, spelled one way ("add-ons", "addon" -> "addon")."""
    return {re.sub(r"[\s-]|s$", "", t.lower())[:8] for t in _ADD_ON.findall(text)}


def _vehicles(results: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]] | None:
    """The vehicles whose prices the reply states; None when the one asked about is not for
    sale (the vehicle reply says so and offers others)."""
    for name, result in results:
        if name == "get_vehicle" and "vehicle" in result:
            vehicle = result["vehicle"]
            return [vehicle] if vehicle.get("status") == "available" else None
        if name == "search_inventory" and "vehicles" in result:
            found = [v for v in result["vehicles"] if v.get("status", "available") == "available"]
            return found[:_MOST_VEHICLES]
    return []


def _prices(vehicles: list[dict[str, Any]], seed: str) -> str:
    if len(vehicles) == 1:
        v = vehicles[0]
        return prompts.render(
            "breakdown_price", seed, title=v["title"], stock=v["stock"], price=fmt.money(v["price"])
        )
    lines = [f"{v['title']} {fmt.money(v['price'])} (stock {v['stock']})" for v in vehicles]
    return prompts.render("breakdown_prices", seed, lines=fmt.joined(lines))


def _search_args(m: Understanding) -> dict[str, Any]:
    args = {k: v for k, v in vars(m.query).items() if v not in (None, (), "") and k != "stock"}
    if "features" in args:
        args["features"] = list(args["features"])
    return args


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"$])", " ".join(text.split()))
    return [p.strip() for p in parts if p.strip()]
