"""The lifecycle KPIs of the report (`console.kpis`, definitions in its docstring): the
test drives by where their booking came from, and the outreach texts' reply and booking
rates, shaped from the store's facts (`crm_store.show_rate.drives_by_channel`,
`crm_store.outreach_kpis.outreach_sent`) with the conversations behind each number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from console.kpi_figures import Bookings, Share, Tally
from crm_store import show_rate
from crm_store.outreach_kpis import OutreachFacts
from crm_store.records import ShowRate
from crm_store.show_rate import SourcedDrive
from crm_store.types import AppointmentStatus


@dataclass(frozen=True, slots=True)
class SourceBookings:
    """The test drives whose booking came from `source` (`show_rate.SOURCES`)."""

    source: str
    bookings: Bookings


def by_source(drives: list[SourcedDrive]) -> tuple[SourceBookings, ...]:
    """Per source: always every one of `SOURCES` (empty ones too), then any other seen."""
    per: dict[str, list[SourcedDrive]] = {s: [] for s in show_rate.SOURCES}
    for d in drives:
        per.setdefault(d.source, []).append(d)
    order = {s: i for i, s in enumerate(show_rate.SOURCES)}
    ranked = sorted(per.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return tuple(SourceBookings(source, _sourced(rows)) for source, rows in ranked)


def _sourced(drives: list[SourcedDrive]) -> Bookings:
    def which(*statuses: AppointmentStatus) -> Tally:
        return Tally.of(d.public_id for d in drives if d.status in statuses)

    showed = which(AppointmentStatus.SHOWED)
    no_show = which(AppointmentStatus.NO_SHOW)
    pending = which(AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
    return Bookings(
        test_drives=Tally.of(d.public_id for d in drives),
        showed=showed,
        no_show=no_show,
        show_rate=ShowRate(
            booked=len(drives),
            showed=showed.count,
            no_show=no_show.count,
            pending=pending.count,
        ),
    )


def outreach_shares(texts: list[OutreachFacts], days: int) -> tuple[Share, Share]:
    """(answered, booked) out of the texts sent: the shopper wrote in the conversation, or a
    test drive was booked in it, within `days` of the text."""
    within = timedelta(days=days)

    def soon(at: datetime | None, sent: datetime) -> bool:
        return at is not None and at - sent < within

    sent = Tally.of(t.public_id for t in texts)
    replied = Tally.of(t.public_id for t in texts if soon(t.first_reply_at, t.sent_at))
    booked = Tally.of(t.public_id for t in texts if soon(t.first_booking_at, t.sent_at))
    return Share(replied, sent), Share(booked, sent)
