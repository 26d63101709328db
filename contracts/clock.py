"""Time is injected: every "now" in Nightshift comes from a `Clock`.

Production uses `SystemClock`; tests, scenarios and the job runner use `FrozenClock`, which
only moves when told to. Nothing outside this module calls `datetime.now()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock, always in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still until `advance` or `set` moves it."""

    def __init__(self, at: datetime) -> None:
        self._at = _require_aware(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError(f"advance: expected a non-negative duration, got {delta}")
        self._at = self._at + delta
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _require_aware(at)


def _require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {at.isoformat()}")
    return at.astimezone(UTC)
