"""The ranked search over one inventory for a `VehicleQuery` (`agent.nlu.vehicles`): every
filter must pass, best first; when no vehicle has every feature asked for, those with the most
of them (`most_features`); and a search order asked for (`sorted_by`). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from agent.nlu import vehicle_words as w
from agent.nlu.vehicle_words import compact
from agent.nlu.vehicles import InventoryVocabulary, VehicleQuery
from crm_store.records import VehicleRecord


def _name_rank(wanted: str, actual: str | None) -> int | None:
    """0 for the same name ("cr-v" is "CR-V"), 1 when `actual` contains every word of it."""
    if actual is None:
        return None
    if compact(wanted) == compact(actual):
        return 0
    have = {compact(part) for part in actual.split()}
    return 1 if {compact(part) for part in wanted.split()} <= have else None


def _rank(
    v: VehicleRecord, q: VehicleQuery, vocabulary: InventoryVocabulary
) -> tuple[int, Decimal, int, int, str] | None:
    """The sort key of `v` if it passes every filter of `q`, else None."""
    ranks = [
        _name_rank(want, have) for want, have in ((q.model, v.model), (q.trim, v.trim)) if want
    ]
    condition, color = v.condition.value, (q.color or "").lower()
    conditions = (condition, "used") if condition == "certified" else (condition,)
    basic = w.COLOR_WORDS.get(color)
    if (
        None in ranks
        or (q.make and compact(q.make) != compact(v.make))
        or (q.condition and q.condition.lower() not in conditions)
        or (q.body and q.body.lower() != (v.body or "").lower())
        or (basic and basic not in vocabulary.colors_of(v))
        or (color and not basic and color not in (v.color or "").lower())
        or (q.year_min is not None and v.year < q.year_min)
        or (q.year_max is not None and v.year > q.year_max)
        or (q.price_min is not None and v.price < q.price_min)
        or (q.price_max is not None and v.price > q.price_max)
        or (q.mileage_max is not None and v.mileage > q.mileage_max)
        or (q.stock and q.stock.lower() != v.stock.lower())
        or not all(vocabulary.has_feature(v, f) for f in q.features)
    ):  # fmt: skip
        return None
    below = Decimal(q.price_max) - v.price if q.price_max is not None else Decimal(0)
    return sum(r or 0 for r in ranks), below, -v.year, v.mileage, v.stock


def search(
    vehicles: Sequence[VehicleRecord],
    query: VehicleQuery,
    *,
    vocabulary: InventoryVocabulary,
    limit: int = 5,
) -> list[VehicleRecord]:
    """At most `limit` vehicles matching every filter of `query`, best first.

    Best first: exact model and trim names before partial ones ("Sport" also matches "Hybrid
    Sport"), then the price nearest below the `price_max` ceiling, then newer, then fewer miles,
    then stock number. Colours match by basic colour word (or, for another word, as a substring of
    the colour name); "used" includes certified. Status is not looked at: filter before calling.
    """
    ranked = [(key, v) for v in vehicles if (key := _rank(v, query, vocabulary)) is not None]
    ranked.sort(key=lambda pair: pair[0])
    return [v for _, v in ranked[: max(limit, 0)]]


def most_features(
    vehicles: Sequence[VehicleRecord],
    query: VehicleQuery,
    *,
    vocabulary: InventoryVocabulary,
    limit: int = 5,
) -> list[VehicleRecord]:
    """When no vehicle has every feature asked for: those matching the other filters that have
    the most of them, a rare one counting for more than a common one ("a diesel truck to tow":
    the one diesel before the many with a hitch), then best first as in `search`."""
    others = search(vehicles, replace(query, features=()), vocabulary=vocabulary, limit=1000)
    has = {f: {v.stock for v in others if vocabulary.has_feature(v, f)} for f in query.features}
    weight = [sum(1 / len(has[f]) for f in query.features if v.stock in has[f]) for v in others]
    ranked = sorted(zip(weight, range(len(others)), others, strict=True), key=lambda t: -t[0])
    return [v for w_, _, v in ranked if w_ > 0][:limit]


def sorted_by(vehicles: Sequence[VehicleRecord], order: str | None) -> list[VehicleRecord]:
    """`vehicles` in a search order ("price", "-price", "-year", "mileage"), ties kept in the
    order given (best match first); unchanged for None."""
    if not order:
        return list(vehicles)
    fact = order.lstrip("-")
    sign = -1 if order.startswith("-") else 1
    return sorted(vehicles, key=lambda v: sign * float(getattr(v, fact)))
