"""Dealerships, their weekly sales hours and the departments they publish."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

import sqlalchemy as sa

from crm_store.errors import NotFound
from crm_store.models import Dealership, DealershipHours
from crm_store.records import DealershipRecord, DepartmentRecord, Weekly, from_row
from crm_store.uow import UnitOfWork
from crm_store.weekly import as_weekly, sync_weekly


def upsert_dealership(
    uow: UnitOfWork,
    *,
    slug: str,
    name: str,
    timezone: str,
    phone: str | None,
    address: str | None,
    test_drive_minutes: int,
    hours: Weekly,
    departments: Sequence[DepartmentRecord] = (),
) -> DealershipRecord:
    """Create the dealership `slug`, or update it in place; hours and departments are
    replaced as a whole."""
    now = uow.now()
    row = uow.session.scalar(sa.select(Dealership).where(Dealership.slug == slug))
    if row is None:
        row = Dealership(slug=slug, created_at=now)
        uow.session.add(row)
    row.name = name
    row.timezone = timezone
    row.phone = phone
    row.address = address
    row.test_drive_minutes = test_drive_minutes
    row.departments = {d.name: _stored(d) for d in departments}
    row.updated_at = now
    sync_weekly(uow, row.hours, hours, DealershipHours)
    uow.flush()
    return _record(row)


def get_dealership(uow: UnitOfWork, *, slug: str) -> DealershipRecord:
    row = uow.session.scalar(sa.select(Dealership).where(Dealership.slug == slug))
    if row is None:
        raise NotFound(f"dealership {slug!r} not found")
    return _record(row)


def id_for_slug(uow: UnitOfWork, *, slug: str) -> int:
    """The dealership's id, without loading the rest (the hot path of every inbound message)."""
    found = uow.session.scalar(sa.select(Dealership.id).where(Dealership.slug == slug))
    if found is None:
        raise NotFound(f"dealership {slug!r} not found")
    return found


def slug_for_phone(uow: UnitOfWork, *, phone: str, default: str | None = None) -> str | None:
    """The slug of the dealership whose number `phone` is; else `default` if it is loaded,
    else the first dealership by name; None when none is loaded."""
    found = uow.session.scalar(sa.select(Dealership.slug).where(Dealership.phone == phone))
    if found is None and default is not None:
        found = uow.session.scalar(sa.select(Dealership.slug).where(Dealership.slug == default))
    if found is None:
        found = uow.session.scalar(sa.select(Dealership.slug).order_by(Dealership.name).limit(1))
    return found


def get_dealership_by_id(uow: UnitOfWork, *, dealership_id: int) -> DealershipRecord:
    row = uow.get(Dealership, dealership_id, "dealership")
    return _record(row)


def list_dealerships(uow: UnitOfWork) -> list[DealershipRecord]:
    rows = uow.session.scalars(sa.select(Dealership).order_by(Dealership.name))
    return [_record(row) for row in rows]


def signals_settings(uow: UnitOfWork, *, dealership_id: int) -> dict[str, Any]:
    """The dealership's intent-rule settings as stored (the world file's `signals:` block,
    validated by `signals.config`); {} means the built-in defaults."""
    stored = uow.session.scalar(sa.select(Dealership.signals).where(Dealership.id == dealership_id))
    return dict(stored or {})


def set_signals_settings(uow: UnitOfWork, *, dealership_id: int, settings: dict[str, Any]) -> None:
    """Replace the dealership's intent-rule settings as a whole ({}: the defaults)."""
    row = uow.get(Dealership, dealership_id, "dealership")
    if (row.signals or {}) != settings:
        row.signals = dict(settings)
        row.updated_at = uow.now()
    uow.flush()


def _record(row: Dealership) -> DealershipRecord:
    departments = tuple(_department(name, d) for name, d in (row.departments or {}).items())
    return from_row(DealershipRecord, row, hours=as_weekly(row.hours), departments=departments)


def _stored(d: DepartmentRecord) -> dict[str, Any]:
    """A department as JSON: hours as [weekday, "HH:MM", "HH:MM"] triples."""
    hours = [[day, a.strftime("%H:%M"), b.strftime("%H:%M")] for day, (a, b) in d.hours.items()]
    return {"phone": d.phone, "email": d.email, "hours": sorted(hours)}


def _department(name: str, stored: dict[str, Any]) -> DepartmentRecord:
    hours = {
        int(day): (time.fromisoformat(a), time.fromisoformat(b))
        for day, a, b in stored.get("hours") or []
    }
    return DepartmentRecord(name, stored.get("phone"), stored.get("email"), hours)
