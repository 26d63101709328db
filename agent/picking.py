"""Which vehicles a comparison means: stock numbers named, "the first two", each side of
"X vs Y" / "X or Y" among those shown (descriptions, trims, condition words) or, when not
shown, the one vehicle of the inventory a side names; else those in play or shown. Pure: no
I/O. Used by `agent.comparisons`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from agent import references
from agent.dialogue import shown_vehicle
from agent.nlu.vehicle_words import compact
from contracts.dialogue import ShownVehicle

_STOCK = re.compile(r"\b[A-Za-z]{1,3}-?\d{3,6}\b")
_FIRST_N = re.compile(
    r"\b(?:the\s+)?(?P<end>first|top|last|bottom|1st)\s+(?P<n>two|2|three|3)\b", re.IGNORECASE
)
_ALL = re.compile(
    r"\b(?:those|these|the|both|all)\s+(?:two|2|three|3)\b|\bboth\b|\bthem\b|\bthey\b|\bem\b"
    r"|\ball (?:of )?(?:them|three|3)\b|\beach\b|\beither\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s*(?:\bvs\.?|\bversus\b|\bv\.s\.?|\bor\b|\band\b|&|,|/|\bwith\b|\bcompared to\b"
    r"|\bagainst\b|\bto\b)\s*",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^.*?\b(?:between|compare|comparing|of|on|is|get|choose|decide|for)\b\s*", re.IGNORECASE
)
_NUMBER = {"two": 2, "2": 2, "three": 3, "3": 3}


def picked(
    text: str,
    shown: Sequence[ShownVehicle],
    inventory: Sequence[Any] = (),
    in_play: Sequence[str] = (),
    named_only: bool = False,
    most: int = 3,
) -> tuple[str, ...]:
    """The stock numbers of the two or three vehicles `text` compares: stock numbers named,
    "the first two"/"the last 2", each side of "X vs Y" / "X or Y" among `shown` (or, when
    not shown, the one vehicle of `inventory` it names), else those in play (`in_play`, the
    last compared) or those shown (not when `named_only`), `most` of them. () when it names
    fewer than two."""
    stocks = {compact(v.stock): v.stock for v in inventory}
    named = [stocks[compact(s)] for s in _STOCK.findall(text) if compact(s) in stocks]
    if len(set(named)) >= 2:
        return _distinct(named)[:3]
    if (first := _FIRST_N.search(text)) is not None and len(shown) >= 2:
        n = min(_NUMBER[first.group("n").lower()], len(shown))
        pool = list(shown)[:n] if first.group("end").lower() in ("first", "top", "1st") else []
        pool = pool or list(shown)[-n:]
        return tuple(v["stock"] for v in pool)
    sides = _sides(text, shown, inventory)
    if len(sides) >= 2 or named_only or _names_models(text, inventory):
        return sides[:3] if len(sides) >= 2 else ()  # named but not told apart: not others
    if len(sides) == 1 and len(in_play) == 2 and sides[0] in in_play:
        return tuple(in_play)  # "is the hybrid cheaper" after comparing it with another
    play = tuple(in_play) if len(in_play) >= 2 else tuple(v["stock"] for v in shown)
    if (every := _ALL.search(text)) is not None and re.search(r"two|2", every.group(0)):
        return play[:2] if len(play) >= 2 else ()  # "those two" of three shown: the first two
    return play[:most] if 2 <= len(play) <= most or (play and every) else ()


def _names_models(text: str, inventory: Sequence[Any]) -> bool:
    """Whether `text` names two or more models of the inventory ("the palisade or the santa
    fe"): then the comparison is between those, or none."""
    said = compact(text)
    return len({compact(v.model) for v in inventory if len(compact(v.model)) > 2
                and compact(v.model) in said}) >= 2  # fmt: skip


def _sides(text: str, shown: Sequence[ShownVehicle], inventory: Sequence[Any]) -> tuple[str, ...]:
    """Each side of "X vs Y", "X or Y", "X and Y" resolved to one vehicle; sides that name
    none are skipped."""
    said = text.lower()
    first = _SPLIT.search(said)  # the lead ("whats the difference between") before the sides
    head, tail = (said[: first.start()], said[first.start() :]) if first else (said, "")
    said = _LEAD.sub("", head) + tail
    parts = [p for p in _SPLIT.split(said) if p.strip()]
    if len(parts) < 2:
        return ()
    found: list[str] = []
    model, before = None, ""
    for part in parts:
        # "the new ascent premium vs the certified touring": the model said once carries;
        # "the certified tucson sel vs the new one": so does the trim, when it tells
        model = _model_named(part, inventory) or model
        stock = _one(part, shown, inventory, taken=found, model=model, like=before)
        if stock and stock not in found:
            found.append(stock)
        before = _CONDITION.sub(" ", part)
    return tuple(found)


_CONDITION = re.compile(r"\b(?:new|used|certified|cpo|pre-?owned|pre)\b")


def _model_named(part: str, inventory: Sequence[Any]) -> str | None:
    """The model of the inventory a side names, the longest ("tucson hybrid" over "tucson")."""
    words = {compact(w) for w in re.findall(r"[a-z0-9]+", part)} | {compact(part)}
    said = compact(part)
    named = [
        str(v.model)
        for v in inventory
        if len(compact(v.model)) > 2 and (compact(v.model) in said or compact(v.model) in words)
    ]
    return max(named, key=len) if named else None


def _one(
    part: str,
    shown: Sequence[ShownVehicle],
    inventory: Sequence[Any],
    taken: Sequence[str],
    model: str | None = None,
    like: str = "",
) -> str | None:
    """The one vehicle a side names: among those shown (`references.resolve`, then trim words
    to tell several apart), else the one vehicle of the inventory of the model it names (or
    of `model`, named by an earlier side, told apart by a trim or condition word, its own
    or else the earlier side's, `like`)."""
    ref = references.resolve(part, shown) if shown else references.Reference()
    if ref.stock and ref.by != "pronoun":
        return ref.stock
    if ref.candidates:  # "the tucson" among three shown: a trim word may tell
        return _by_trim(part, [v for v in ref.candidates if v["stock"] not in taken])
    words = {compact(w) for w in re.findall(r"[a-z0-9]+", part)} | {compact(part)}
    named = [
        as_shown(v)
        for v in inventory
        if compact(v.model) in words or compact(v.model.split(" ")[0]) in words
    ]
    if named:  # a model not among those shown ("the sonata"): the one in stock
        return _by_trim(part, [v for v in named if v["stock"] not in taken])
    if model and not shown:  # "... vs the certified touring": the model said before
        same = [as_shown(v) for v in inventory if v.model == model and v.stock not in taken]
        own = _by_trim(part, same, needs_word=True)
        return own or (_by_trim(f"{part} {like}", same, needs_word=True) if like else None)
    left = [v for v in shown if v["stock"] not in taken]
    return _by_trim(part, left) if len(left) > 1 else _by_trim(part, left, needs_word=True)


def _by_trim(part: str, pool: Sequence[ShownVehicle], needs_word: bool = False) -> str | None:
    """The one of `pool` whose trim the side's words fit best ("hybrid", "sel", "n line"):
    most words matched, then fewest trim words left over; the only one unless `needs_word`."""
    if len(pool) == 1 and not needs_word:
        return pool[0]["stock"]
    said = set(re.findall(r"[a-z0-9]+", part))
    said |= {_SAME_CONDITION[w] for w in said if w in _SAME_CONDITION}  # "cpo": certified
    scored = []
    for v in pool:
        trim = re.findall(r"[a-z0-9]+", (v["trim"] or "").lower())
        hits = len(said & set(trim)) + (v["condition"] in said if v["condition"] else 0)
        scored.append((hits, -len(trim), v["stock"]))
    scored.sort(reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]


_SAME_CONDITION = {"cpo": "certified", "preowned": "used", "owned": "used"}


def as_shown(vehicle: Any) -> ShownVehicle:
    """A `ShownVehicle` from a `VehicleRecord` or a tool's vehicle view."""
    if isinstance(vehicle, Mapping):
        return shown_vehicle(vehicle)
    names = ("stock", "year", "make", "model", "trim", "body", "color", "mileage", "price")
    view = {n: getattr(vehicle, n, None) for n in names}
    view["condition"] = getattr(vehicle.condition, "value", vehicle.condition)
    return shown_vehicle(view)


def _distinct(stocks: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(stocks))
