"""The KPI page's view of a `KpiReport`: the period a request asks for, every figure under a
stable name (the click-through URL names the figure, and the list page recomputes it, so a
URL never carries ids to trust), the numbers as text, and the data the charts draw.

Figure names: `assistant_first_reply`, `human_first_reply`, `ack_time` (the conversations
measured); `acked_within_timeout` / `acked_known`, `after_hours` / `shopper_wrote`,
`booked` / `conversations`, `outreach_{replied,booked}` / `outreach_sent` (a share's part /
whole); `{assistant,staff}_{drives,showed,
no_show}`; `source:NAME:{drives,showed,no_show}` (show rate by source); `reason:NAME`;
`ack_staff:ID`; `day:YYYY-MM-DD:{conversations,handoffs,booked,after_hours}`. Service
retention clicks through to customers, not conversations: its lists are
`RETENTION_LISTS` (`/console/kpis/customers?list=...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from console.kpi_figures import Bookings, Tally
from console.kpis import MAX_DAYS, KpiReport
from crm_store.errors import InvalidValue
from crm_store.retention import Which
from handoff.pagers import reason_label

DEFAULT_DAYS = 30
LIST_PATH = "/console/kpis/conversations"
CUSTOMERS_PATH = "/console/kpis/customers"
RETENTION_LISTS: dict[Which, str] = {
    "sold": "Customers sold to",
    "returned": "Sold to, and back for service",
    "lapsed": "Sold to, no service visit",
}
SOURCE_LABELS = {
    "sms": "Assistant, by text",
    "web": "Assistant, web chat",
    "outreach": "Assistant, after outreach",
    "staff": "Staff",
    "assistant": "Assistant, conversation deleted",
}
SERIES = {
    "conversations": "Conversations",
    "handoffs": "Handoffs",
    "booked": "Led to a test drive",
    "after_hours": "After hours",
}


@dataclass(frozen=True, slots=True)
class Period:
    """Local days `start` to `last`, both included (the form's from/to); `end` is exclusive."""

    start: date
    last: date

    @property
    def end(self) -> date:
        return self.last + timedelta(days=1)


def period(today: date, start: str | None, last: str | None) -> Period:
    """The period a form asks for: `from` and `to` (ISO dates, both included), by default
    the last `DEFAULT_DAYS` days up to `today`; at most `MAX_DAYS` days."""
    to_day = _day("to", last) if last else today
    from_day = _day("from", start) if start else to_day - timedelta(days=DEFAULT_DAYS - 1)
    if not 0 < (to_day - from_day).days + 1 <= MAX_DAYS:
        raise InvalidValue(
            "to", to_day.isoformat(), f"a date 0 to {MAX_DAYS - 1} days after from ({from_day})"
        )
    return Period(from_day, to_day)


def _day(field: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field, value, "a date as YYYY-MM-DD") from None


@dataclass(frozen=True, slots=True)
class Figure:
    label: str
    tally: Tally


def figures(report: KpiReport, names: Mapping[int, str] | None = None) -> dict[str, Figure]:
    """Every figure of the report that clicks through, by name (see the module docstring);
    `names` are staff members' names by id, for the labels of their figures."""
    found = {
        "assistant_first_reply": Figure(
            "Assistant first reply", report.assistant_first_reply.measured
        ),
        "human_first_reply": Figure("Human first reply", report.human_first_reply.measured),
        "ack_time": Figure("Acknowledgement time", report.ack_time.measured),
        "acked_within_timeout": Figure(
            "Acknowledged within the timeout", report.acked_within_timeout.part
        ),
        "acked_known": Figure(
            "Paged handoffs with a known outcome", report.acked_within_timeout.whole
        ),
        "after_hours": Figure("Started after hours", report.after_hours.part),
        "shopper_wrote": Figure("Started by a shopper", report.after_hours.whole),
        "booked": Figure("Led to a test drive", report.conversations_to_booking.part),
        "conversations": Figure("Conversations", report.conversations_to_booking.whole),
        "outreach_sent": Figure("Outreach texts sent", report.outreach_replied.whole),
        "outreach_replied": Figure("Outreach texts answered", report.outreach_replied.part),
        "outreach_booked": Figure(
            "Outreach texts that led to a test drive", report.outreach_booked.part
        ),
    }
    for who, bookings in (("assistant", report.by_assistant), ("staff", report.by_staff)):
        by = f"booked by {who}"
        found[f"{who}_drives"] = Figure(f"Test drives {by}", bookings.test_drives)
        found[f"{who}_showed"] = Figure(f"Test drives {by}: showed", bookings.showed)
        found[f"{who}_no_show"] = Figure(f"Test drives {by}: no show", bookings.no_show)
    for sourced in report.by_source:
        by = f"booked from {source_label(sourced.source)}"
        b = sourced.bookings
        found[f"source:{sourced.source}:drives"] = Figure(f"Test drives {by}", b.test_drives)
        found[f"source:{sourced.source}:showed"] = Figure(f"Test drives {by}: showed", b.showed)
        found[f"source:{sourced.source}:no_show"] = Figure(f"Test drives {by}: no show", b.no_show)
    for reason in report.handoffs_by_reason:
        found[f"reason:{reason.reason}"] = Figure(
            f"Handoffs: {reason_label(reason.reason)}", reason.handoffs
        )
    for ack in report.ack_by_staff:
        held = f"held by {(names or {}).get(ack.staff_id, f'staff #{ack.staff_id}')}"
        found[f"ack_staff:{ack.staff_id}"] = Figure(f"Acknowledged, {held}", ack.time.measured)
        found[f"ack_within:{ack.staff_id}"] = Figure(
            f"Acknowledged within the timeout, {held}", ack.within_timeout.part
        )
        found[f"ack_known:{ack.staff_id}"] = Figure(
            f"Paged handoffs with a known outcome, {held}", ack.within_timeout.whole
        )
    for point in report.days:
        for series, label in SERIES.items():
            tally: Tally = getattr(point, series)
            found[f"day:{point.day.isoformat()}:{series}"] = Figure(f"{label}, {point.day}", tally)
    return found


def link(figure: str, shown: Period, staff_id: int | None) -> str:
    """The click-through URL of `figure` over `shown` (and the salesperson filter)."""
    return _url(LIST_PATH, {"figure": figure}, shown, staff_id)


def customers_link(which: str, shown: Period, staff_id: int | None) -> str:
    """The URL of one retention list (`RETENTION_LISTS`) as of the end of `shown`."""
    return _url(CUSTOMERS_PATH, {"list": which}, shown, staff_id)


def _url(path: str, query: dict[str, str], shown: Period, staff_id: int | None) -> str:
    query = {**query, "from": shown.start.isoformat(), "to": shown.last.isoformat()}
    if staff_id is not None:
        query["staff"] = str(staff_id)
    return f"{path}?{urlencode(query)}"


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


def wait(seconds: float | None) -> str:
    """A waiting time for people: "20 s", "3 min", "1 h 05 min", "2 d 3 h"; "–" if none."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def show_rate(bookings: Bookings) -> str:
    rate = bookings.show_rate
    decided = rate.showed + rate.no_show
    shown = "–" if not decided else f"{round(rate.showed / decided * 100)}%"
    return f"{shown} ({rate.showed} of {decided} marked)"


def chart_data(report: KpiReport, shown: Period, staff_id: int | None) -> dict[str, Any]:
    """What kpis.js draws: handoffs by reason and the per-day series, each bar with its
    click-through URL (the same numbers are in the page's tables, for reading without JS)."""
    return {
        "reasons": {
            "labels": [reason_label(r.reason) for r in report.handoffs_by_reason],
            "counts": [r.handoffs.count for r in report.handoffs_by_reason],
            "links": [
                link(f"reason:{r.reason}", shown, staff_id) for r in report.handoffs_by_reason
            ],
        },
        "days": {
            "labels": [p.day.isoformat() for p in report.days],
            "series": [
                {
                    "name": series,
                    "label": label,
                    "counts": [getattr(p, series).count for p in report.days],
                    "links": [
                        link(f"day:{p.day.isoformat()}:{series}", shown, staff_id)
                        for p in report.days
                    ],
                }
                for series, label in SERIES.items()
            ],
        },
    }
