"""Weekly wall-clock intervals (sales hours, staff shifts), replaced as a whole."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Protocol, TypeVar

from crm_store.records import Weekly
from crm_store.uow import UnitOfWork


class WeeklyRow(Protocol):
    weekday: int
    starts: time
    ends: time


RowT = TypeVar("RowT", bound=WeeklyRow)


def sync_weekly(
    uow: UnitOfWork, rows: list[RowT], wanted: Weekly, make: Callable[[], RowT]
) -> None:
    """Make `rows` (an ORM collection) hold exactly `wanted`, updating rows in place.

    Removed days are flushed first so a day that moves never trips the weekday UNIQUE key.
    """
    by_day = {row.weekday: row for row in rows}
    for weekday, row in by_day.items():
        if weekday not in wanted:
            rows.remove(row)
    uow.flush()
    for weekday, (starts, ends) in wanted.items():
        existing = by_day.get(weekday)
        if existing is None:
            existing = make()
            existing.weekday = weekday
            rows.append(existing)
        existing.starts, existing.ends = starts, ends


def as_weekly(rows: list[RowT]) -> Weekly:
    return {row.weekday: (row.starts, row.ends) for row in rows}
