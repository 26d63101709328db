"""The shapes a KPI takes (a count, a share, a distribution of waiting times), each carrying
the public ids of the conversations behind it, so that every bar or point of a chart clicks
through to those conversations; and the percentile they use.

Percentiles are nearest-rank: the p-th percentile of n values is the value at rank
ceil(p / 100 * n) in ascending order, so it is always one of the measured times (a p90 of
"14 minutes" is a wait some shopper really had), and the p50 of two values is the smaller.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from crm_store.records import ShowRate


@dataclass(frozen=True, slots=True)
class Tally:
    """How many things (conversations, handoffs, test drives) and the distinct conversations
    they belong to, in first-seen order. `count` may exceed the ids: a conversation can hold
    two handoffs, and a test drive booked outside a conversation has none."""

    count: int
    conversations: tuple[str, ...]

    @staticmethod
    def of(ids: Iterable[str | None]) -> Tally:
        """One thing per item of `ids` (None: a thing with no conversation)."""
        items = list(ids)
        return Tally(len(items), tuple(dict.fromkeys(i for i in items if i is not None)))


@dataclass(frozen=True, slots=True)
class Share:
    """`part` out of `whole` (the part is a subset of the whole)."""

    part: Tally
    whole: Tally

    @property
    def rate(self) -> float | None:
        """part / whole, between 0 and 1; None when the whole is empty (undefined, not 0)."""
        return self.part.count / self.whole.count if self.whole.count else None


@dataclass(frozen=True, slots=True)
class Durations:
    """Waiting times in seconds: p50 and p90 (nearest-rank), None when nothing was measured;
    `measured` tells how many and in which conversations."""

    p50: float | None
    p90: float | None
    measured: Tally

    @staticmethod
    def of(waits: Sequence[tuple[str | None, float]]) -> Durations:
        """From (conversation public id, seconds) pairs."""
        seconds = [s for _, s in waits]
        return Durations(
            percentile(seconds, 50), percentile(seconds, 90), Tally.of(i for i, _ in waits)
        )


@dataclass(frozen=True, slots=True)
class Bookings:
    """Test drives booked by one kind of booker: all of them (cancelled ones aside), those
    the shopper came to, those they missed, and the show rate."""

    test_drives: Tally
    showed: Tally
    no_show: Tally
    show_rate: ShowRate


def percentile(values: Sequence[float], p: float) -> float | None:
    """The nearest-rank p-th percentile (0 < p <= 100) of `values`; None for no values."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile: expected 0 < p <= 100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]
