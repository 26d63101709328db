"""Between the pure rules and the store: a dealership's rules as stored (`load`, `save`),
and the firings left after the dedupe written as alerts, each with an `alert` event on the
customer's timeline (`write`). Everything in the caller's unit of work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from crm_store import alerts, dealerships, timeline
from crm_store.alerts import AlertRecord, NewAlert
from crm_store.uow import UnitOfWork
from signals.config import SignalsConfig
from signals.facts import Firing, VehicleLabel
from signals.rules import deduped

TIMELINE_KIND = "alert"


@dataclass(frozen=True, slots=True)
class Rules:
    """A dealership's intent rules and the time zone their reasons are written in."""

    config: SignalsConfig
    zone: ZoneInfo


def load(uow: UnitOfWork, *, dealership_id: int) -> Rules:
    """The dealership's rules: its stored `signals:` settings over the defaults."""
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    stored = dealerships.signals_settings(uow, dealership_id=dealership_id)
    return Rules(SignalsConfig.model_validate(stored), ZoneInfo(dealer.timezone))


def save(uow: UnitOfWork, *, dealership_id: int, config: SignalsConfig) -> None:
    """Store the settings that differ from the defaults (so a later change of a default
    reaches every dealership that did not choose otherwise)."""
    dealerships.set_signals_settings(uow, dealership_id=dealership_id, settings=chosen(config))


def chosen(config: SignalsConfig) -> dict[str, Any]:
    """The settings of `config` that differ from the defaults, as a world file writes them."""
    return config.model_dump(mode="json", exclude_defaults=True)


def write(
    uow: UnitOfWork,
    *,
    dealership_id: int,
    firings: Iterable[Firing],
    config: SignalsConfig,
    labels: Mapping[int, VehicleLabel],
    now: datetime,
) -> list[AlertRecord]:
    """Dedupe `firings` against the alerts of their customers in the dedupe window (and
    against each other), then write each one left as an alert and a timeline event."""
    firings = list(firings)
    if not firings:
        return []
    recent = alerts.recent_keys(
        uow,
        customer_ids={f.customer_id for f in firings},
        since=now - config.dedupe_window,
    )
    written: list[AlertRecord] = []
    for firing in deduped(firings, recent, config):
        label = labels.get(firing.vehicle_id) if firing.vehicle_id is not None else None
        alert = alerts.create_alert(
            uow,
            dealership_id=dealership_id,
            alert=NewAlert(
                customer_id=firing.customer_id,
                vehicle_id=firing.vehicle_id,
                rule=firing.rule,
                reason=firing.reason,
                dedupe_key=firing.dedupe_key,
                fired_at=firing.at,
                urgent=firing.urgent,
            ),
        )
        timeline.add_event(
            uow,
            dealership_id=dealership_id,
            customer_id=firing.customer_id,
            kind=TIMELINE_KIND,
            data={
                "alert_id": alert.id,
                "rule": firing.rule,
                "reason": firing.reason,
                "stock": label.stock if label else None,
                "urgent": firing.urgent,
            },
        )
        written.append(alert)
    return written
