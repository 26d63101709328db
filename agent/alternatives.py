"""The closest available vehicles when the model asked for is not in stock (never carried, or
sold / on hold): same body style first, then size class, then price band, condition and
features, across every make. Pure: no I/O.

A shopper who asks for a RAV4 at a Honda store wants to hear about the CR-V and the Rogue
with their prices, not "want me to look at similar vehicles?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from agent.nlu.vehicle_words import compact
from crm_store.records import VehicleRecord

_SIZES = ("subcompact", "compact", "midsize", "fullsize", "heavy")
_CLASSES = """
sedan subcompact: Versa, Mirage, Fit
sedan compact: Civic, Corolla, Sentra, Elantra, Forte, Mazda3, Jetta, Impreza, Integra, Model 3,
  3 Series, A4, C-Class, Prius, WRX
sedan midsize: Camry, Accord, Altima, Sonata, Malibu, Passat, TLX, 5 Series, E-Class, Model S,
  K5, Legacy
sedan fullsize: Avalon, Charger, Maxima, 300
suv subcompact: HR-V, Kona, Seltos, Trax, Trailblazer, CX-30, Crosstrek, Renegade, Encore, Taos,
  Niro, Kicks, Corolla Cross, Bronco Sport
suv compact: CR-V, RAV4, Rogue, Tucson, Sportage, CX-5, CX-50, Forester, Equinox, Cherokee,
  Tiguan, Venza, Model Y, X3, GLC, NX, Q5, RDX, XC60, Macan, Outlander, Ioniq 5, EV6, Escape,
  Mach-E, Mustang Mach-E
suv midsize: Pilot, Passport, Highlander, 4Runner, Explorer, Pathfinder, Murano, Santa Fe,
  Sorento, Telluride, Palisade, CX-90, Ascent, Grand Cherokee, Wrangler, Atlas, Blazer,
  Traverse, X5, GLE, RX, MDX, Acadia, Durango, Model X, XC90, Cayenne, Enclave, R1S, Bronco,
  Prologue, Edge, Outback
suv fullsize: Tahoe, Suburban, Expedition, Sequoia, Yukon, Escalade, Navigator, Range Rover,
  Defender, Armada
truck compact: Maverick, Santa Cruz
truck midsize: Tacoma, Frontier, Colorado, Ridgeline, Gladiator, Ranger, Canyon
truck fullsize: F-150, Silverado 1500, Silverado, Tundra, Sierra 1500, Sierra, 1500, Cybertruck,
  R1T, Titan, F-150 Lightning
truck heavy: F-250, F-350, Super Duty, 2500, 3500
hatchback compact: Veloster, Golf, GTI, Soul, Fit, Bolt, Bolt EUV, Rio, Accent
minivan midsize: Odyssey, Sienna, Carnival, Pacifica
coupe midsize: Mustang, Camaro, Challenger, Supra, Corvette, MX-5 Miata, 86, BRZ
"""
"""Body style and size class of well-known models: `body size: model, model, ...`."""


def _classes(spec: str) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for entry in re.split(r"\n(?=\S)", spec.strip()):
        head, models = entry.split(":", 1)
        body, size = head.split()
        for model in models.split(","):
            table[compact(model.strip())] = (body, size)
    return table


_MODEL_CLASS = _classes(_CLASSES)
# bodies a shopper would weigh against each other (1 = same kind of vehicle)
_NEAR_BODIES: dict[frozenset[str], float] = {
    frozenset({"suv", "wagon"}): 0.6,
    frozenset({"sedan", "hatchback"}): 0.6,
    frozenset({"coupe", "convertible"}): 0.8,
    frozenset({"sedan", "coupe"}): 0.3,
    frozenset({"minivan", "suv"}): 0.3,
}


# Electric models by name (a vehicle also counts when its listing says electric).
_ELECTRIC = {
    compact(m)
    for m in """Model 3, Model Y, Model S, Model X, Cybertruck, Ioniq 5, Ioniq 6, Ioniq 9, EV6, EV9,
    Niro EV, Kona Electric, Mach-E, Mustang Mach-E, F-150 Lightning, Bolt, Bolt EUV, Blazer EV,
    Equinox EV, Leaf, Ariya, ID.4, Prologue, R1S, R1T, bZ4X, Solterra, i4, iX, EQB, EQE,
    Polestar 2, Lyriq""".replace("\n", " ").split(",")
}
_ELECTRIC_WORDS = re.compile(r"\b(?:electric|ev|dual[- ]motor|epa range|dc fast)", re.IGNORECASE)
_THIRD_ROW = re.compile(r"\b(?:third|3rd)[- ]row|\b[78][- ]passenger", re.IGNORECASE)


def is_electric(model: str, listing: Sequence[str] = ()) -> bool:
    return compact(model) in _ELECTRIC or any(_ELECTRIC_WORDS.search(t) for t in listing)


@dataclass(frozen=True)
class Wanted:
    """What the shopper asked for, as far as it is known."""

    body: str | None = None
    size: str | None = None
    price: float | None = None  # the price band's centre: a sold unit's price or the budget
    price_max: float | None = None
    condition: str | None = None
    features: tuple[str, ...] = ()
    electric: bool = False  # a Model Y is matched with EVs first
    third_row: bool = False  # a minivan's shopper needs the seats: three-row SUVs next


def size_class(model: str) -> tuple[str, str] | None:
    """(body, size class) of a well-known model ("RAV4" -> ("suv", "compact")), else None."""
    key = compact(model)
    if key in _MODEL_CLASS:
        return _MODEL_CLASS[key]
    head = compact(model.split(" ")[0])  # "Silverado 1500 LT" -> silverado
    return _MODEL_CLASS.get(head)


def wanted(
    *,
    model: str | None,
    body: str | None = None,
    price_max: float | None = None,
    condition: str | None = None,
    features: Sequence[str] = (),
    gone: VehicleRecord | None = None,
) -> Wanted:
    """The profile to match: a sold or pending unit of the model tells body and price; a
    model never carried is placed by its class; the shopper's own filters narrow it."""
    known = size_class(gone.model if gone else model or "")
    the_body = (gone.body if gone and gone.body else None) or body or (known[0] if known else None)
    price = float(gone.price) if gone else (float(price_max) if price_max else None)
    asked = gone.model if gone else model or ""
    listing = [*(gone.features if gone else ()), gone.trim or ""] if gone else []
    return Wanted(
        body=the_body.lower() if the_body else None,
        size=known[1] if known else None,
        price=price,
        price_max=float(price_max) if price_max else None,
        condition=condition,
        features=tuple(features),
        electric=bool(asked) and is_electric(asked, listing),
        third_row=bool(the_body and the_body.lower() == "minivan")
        or any(_THIRD_ROW.search(t) for t in listing),
    )


def closest(
    want: Wanted, available: Sequence[VehicleRecord], *, exclude_model: str | None = None
) -> list[VehicleRecord]:
    """Up to three available vehicles closest to `want`, best first; none when the body
    style asked for is unknown (nothing honest to compare with)."""
    if want.body is None:
        return []
    scored = []
    for v in available:
        if exclude_model and v.model == exclude_model:
            continue
        score = _score(want, v)
        if score is not None:
            scored.append((score, float(v.price), v))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [v for _, _, v in scored[:3]]


def _score(want: Wanted, v: VehicleRecord) -> float | None:
    body = (v.body or "").lower()
    kin = 1.0 if body == want.body else _NEAR_BODIES.get(frozenset({body, want.body or ""}), 0)
    if kin == 0:
        return None
    score = 4.0 * kin
    known = size_class(v.model)
    if want.size and known:
        gap = abs(_SIZES.index(known[1]) - _SIZES.index(want.size))
        score += {0: 2.0, 1: 0.8}.get(gap, 0.0)
    price = float(v.price)
    if want.price:
        score += 1.5 * max(0.0, 1.0 - abs(price - want.price) / want.price * 2)
    if want.price_max and price > want.price_max * 1.1:
        score -= 2.0
    used_for_used = want.condition == "used" and v.condition.value == "certified"
    if want.condition and v.condition.value != want.condition and not used_for_used:
        score -= 0.5
    have = {f.lower() for f in v.features}
    score += 0.3 * sum(1 for f in want.features if f.lower() in have)
    listing = [*v.features, v.trim or ""]
    if want.electric:
        score += 2.5 if is_electric(v.model, listing) else -1.0
    if want.third_row and any(_THIRD_ROW.search(t) for t in listing):
        score += 2.0
    return score
