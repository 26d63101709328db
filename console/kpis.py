"""The KPI report of a dealership (or of one salesperson) over a period of local days: the
numbers the console charts, each with the conversations behind it (`console.kpi_figures`).

The period is `[start, end)` in days of the dealership's time zone (midnight to midnight,
local, so a DST day has 23 or 25 hours); `end` is exclusive, at most `MAX_DAYS` after `start`.
Each kind of row belongs to the period by one timestamp: a conversation by when it was
created, a handoff by when it was raised, a test drive by when it starts (as `show_rate`).

Definitions (all waits in seconds, p50/p90 nearest-rank; None where nothing was measured):

- **Assistant first reply**: per conversation started in the period, from the shopper's first
  message to the assistant's first message at or after it. Conversations where the shopper
  never wrote or the assistant never answered (a person took over) are not measured.
- **Human first reply**: per handoff raised in the period, from the handoff being raised to the
  first staff message in its conversation at or after that. Handoffs nobody has answered yet
  are not measured.
- **Acknowledgement time**: per handoff raised in the period and put to a person (paged), from
  its first page to its acknowledgement (an ack of the page, a claim, or a reassignment by
  staff), across reroutes: how
  long the ladder took to reach someone who took it. Time queued before the first page (after
  hours) is not counted; handoffs taken before any page are left out (there was no page to
  acknowledge). **Acknowledged within the timeout**: of the paged handoffs whose outcome is
  known (acknowledged, or first paged at least `ack_minutes` ago), the share acknowledged
  within `ack_minutes` of the first page, i.e. without waiting out the first rung. Per
  salesperson: grouped by the person holding the handoff (who acknowledged it, or the last
  one paged).
- **Handoffs by reason**: handoffs raised in the period per reason; a handoff with two
  reasons counts once under each.
- **After-hours share**: of the conversations started in the period in which the shopper wrote,
  those whose first shopper message came when the dealership's sales hours (its weekly hours,
  in its time zone) were closed.
- **Test drives by the assistant vs by staff**: test drives (not cancelled) starting in the
  period, split by who booked them. Only `appointments.source` records it: `assistant` for the
  assistant's bookings, anything else (a staff booking, an import) counted as staff. Their
  show rates are `show_rate`'s (showed / (showed + no show)).
- **Conversations to booking**: of the conversations started in the period, those with at
  least one test drive booked in them that is not cancelled.
- **Show rate by source**: the same test drives, grouped by where the booking came from
  (`crm_store.show_rate.SOURCES`): `sms` or `web`, the channel of the conversation the
  assistant booked it in; `outreach` for an assistant booking in a conversation that had
  been sent an outreach text before the booking was made (ahead of its channel); `staff` for
  every booking not by the assistant. Each with showed, no show and the show rate.
- **Outreach reply and booking rates** (`crm_store.outreach_kpis`): of the outreach texts
  sent in the period, the share whose shopper wrote in that conversation, and the share with
  a test drive (not cancelled) booked in that conversation, within `outreach_days` (7) x 24
  hours of the text (elapsed time, so across a DST change too). Any answer counts, an
  opt-out too: the rate says the text reached someone.
- **Service retention** (`crm_store.retention`): of the customers the dealership sold a
  vehicle to (owned, `bought_here`, with a purchase date) on the `retention_years` (3) years
  of local days before the period's end, the share with a `service_visit` event in the 12
  months before the period's end (from local midnight of that day a year earlier). It is a
  standing figure as of the end, not a count of the period's rows: a one-day period gives the
  same as a month ending the same day.

With `staff_id`, every figure is limited to that staff member: conversations assigned to them
in the inbox, or whose customer is theirs, or that hold a handoff or a test drive of theirs;
handoffs assigned to them; test drives with them; outreach texts to and retention of the
customers assigned to them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from console.kpi_figures import Bookings, Durations, Share, Tally
from console.kpi_lifecycle import SourceBookings, by_source, outreach_shares
from crm_store import dealerships, outreach_kpis, reports, retention, show_rate
from crm_store.errors import InvalidValue
from crm_store.records import ShowRate
from crm_store.reports import AppointmentFacts, ConversationFacts, HandoffFacts
from crm_store.retention import Retention, Window
from crm_store.types import AppointmentStatus
from crm_store.uow import UnitOfWork
from handoff.routing import open_now
from signals.lifecycle import add_months

MAX_DAYS = 366
RETENTION_YEARS = 3
OUTREACH_DAYS = 7


@dataclass(frozen=True, slots=True)
class StaffAck:
    """Acknowledgement figures of the handoffs one salesperson holds."""

    staff_id: int
    time: Durations
    within_timeout: Share


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    handoffs: Tally


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One local day of the period, for the charts."""

    day: date
    conversations: Tally
    after_hours: Tally
    booked: Tally
    handoffs: Tally
    assistant_first_reply: Durations
    ack_time: Durations


@dataclass(frozen=True, slots=True)
class KpiReport:
    dealership_id: int
    staff_id: int | None
    start: date
    end: date  # exclusive
    timezone: str
    ack_minutes: float
    assistant_first_reply: Durations
    human_first_reply: Durations
    ack_time: Durations
    acked_within_timeout: Share
    ack_by_staff: tuple[StaffAck, ...]  # by staff id
    handoffs_by_reason: tuple[ReasonCount, ...]  # most frequent first, then by name
    after_hours: Share
    by_assistant: Bookings
    by_staff: Bookings
    by_source: tuple[SourceBookings, ...]  # sms, web, staff, then any other source seen
    outreach_replied: Share  # of the texts sent; the whole is every text sent
    outreach_booked: Share
    outreach_days: int
    retention: Retention
    retention_window: Window
    conversations_to_booking: Share
    days: tuple[DayPoint, ...]  # every day of the period, empty ones too


def dealership_kpis(
    uow: UnitOfWork,
    dealership_id: int,
    start: date,
    end: date,
    *,
    staff_id: int | None = None,
    ack_minutes: float,
    retention_years: int = RETENTION_YEARS,
    outreach_days: int = OUTREACH_DAYS,
) -> KpiReport:
    """The report for the local days [start, end); `ack_minutes` is the routing ladder's ack
    timeout (`HandoffConfig.ack_minutes`, from the settings). A fixed number of queries
    whatever the volume: the dealership and its hours, then one per kind of fact
    (conversations, handoffs, test drives), one for the show rates, one for the test drives
    by source, one for the outreach texts and one for service retention."""
    if not 0 < (end - start).days <= MAX_DAYS:
        raise InvalidValue("end", end.isoformat(), f"a date 1 to {MAX_DAYS} days after {start}")
    if ack_minutes <= 0:
        raise InvalidValue("ack_minutes", ack_minutes, "a positive number of minutes")
    if outreach_days < 1:
        raise InvalidValue("outreach_days", outreach_days, "a whole number of days, 1 or more")
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=dealership_id)
    zone = ZoneInfo(dealer.timezone)
    lo, hi = _midnight(start, zone), _midnight(end, zone)
    convos = reports.conversations_started(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    handoffs = reports.handoffs_raised(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    drives = reports.appointments_starting(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    rates = show_rate.by_source(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    sourced = show_rate.drives_by_channel(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    texts = outreach_kpis.outreach_sent(
        uow, dealership_id=dealership_id, start=lo, end=hi, staff_id=staff_id
    )
    replied, booked = outreach_shares(texts, outreach_days)
    kept = retention_window(end, zone, retention_years)
    retained = retention.service_retention(
        uow, dealership_id=dealership_id, window=kept, staff_id=staff_id
    )
    timeout = timedelta(minutes=ack_minutes)
    now = uow.now()
    after_hours = [
        c
        for c in convos
        if c.first_shopper_at is not None
        and not open_now(dealer.hours, c.first_shopper_at, dealer.timezone)
    ]
    return KpiReport(
        dealership_id=dealership_id,
        staff_id=staff_id,
        start=start,
        end=end,
        timezone=dealer.timezone,
        ack_minutes=ack_minutes,
        assistant_first_reply=_assistant_reply(convos),
        human_first_reply=_human_reply(handoffs),
        ack_time=_ack_time(handoffs),
        acked_within_timeout=_within(handoffs, timeout, now),
        ack_by_staff=_ack_by_staff(handoffs, timeout, now),
        handoffs_by_reason=_by_reason(handoffs),
        after_hours=Share(
            _ids(after_hours), _ids(c for c in convos if c.first_shopper_at is not None)
        ),
        by_assistant=_bookings([d for d in drives if d.by_assistant], rates, assistant=True),
        by_staff=_bookings([d for d in drives if not d.by_assistant], rates, assistant=False),
        by_source=by_source(sourced),
        outreach_replied=replied,
        outreach_booked=booked,
        outreach_days=outreach_days,
        retention=retained,
        retention_window=kept,
        conversations_to_booking=Share(_ids(c for c in convos if c.booked), _ids(convos)),
        days=_days(start, end, zone, convos, after_hours, handoffs),
    )


def retention_window(end: date, zone: ZoneInfo, years: int = RETENTION_YEARS) -> Window:
    """Service retention as of the local day `end` (exclusive, the period's end): sales on
    the `years` years of days before it, visits in the 12 months before its midnight."""
    if years < 1:
        raise InvalidValue("retention_years", years, "a whole number of years, 1 or more")
    return Window(
        sold_from=add_months(end, -12 * years),
        sold_until=end,
        since=_midnight(add_months(end, -12), zone),
        until=_midnight(end, zone),
    )


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _ids(rows: Iterable[ConversationFacts | HandoffFacts | AppointmentFacts]) -> Tally:
    return Tally.of(row.public_id for row in rows)


def _seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


def _assistant_reply(convos: Iterable[ConversationFacts]) -> Durations:
    return Durations.of(
        [
            (c.public_id, _seconds(c.first_assistant_reply_at, c.first_shopper_at))
            for c in convos
            if c.first_shopper_at is not None and c.first_assistant_reply_at is not None
        ]
    )


def _human_reply(handoffs: Iterable[HandoffFacts]) -> Durations:
    return Durations.of(
        [
            (h.public_id, _seconds(h.first_staff_reply_at, h.created_at))
            for h in handoffs
            if h.first_staff_reply_at is not None
        ]
    )


def _ack_wait(h: HandoffFacts) -> float | None:
    """Seconds from the first page to the acknowledgement; None if not paged or not acked."""
    if h.first_paged_at is None or h.acked_at is None:
        return None
    return max(0.0, _seconds(h.acked_at, h.first_paged_at))


def _ack_time(handoffs: Iterable[HandoffFacts]) -> Durations:
    return Durations.of([(h.public_id, w) for h in handoffs if (w := _ack_wait(h)) is not None])


def _within(handoffs: Iterable[HandoffFacts], timeout: timedelta, now: datetime) -> Share:
    """Acknowledged within `timeout` of the first page, out of the paged handoffs whose
    outcome is known at `now` (acknowledged, or paged at least `timeout` ago)."""
    known = [
        h
        for h in handoffs
        if h.first_paged_at is not None
        and (h.acked_at is not None or now - h.first_paged_at >= timeout)
    ]
    limit = timeout.total_seconds()
    quick = [h for h in known if (w := _ack_wait(h)) is not None and w <= limit]
    return Share(_ids(quick), _ids(known))


def _ack_by_staff(
    handoffs: list[HandoffFacts], timeout: timedelta, now: datetime
) -> tuple[StaffAck, ...]:
    held: dict[int, list[HandoffFacts]] = defaultdict(list)
    for h in handoffs:
        if h.staff_id is not None and h.first_paged_at is not None:
            held[h.staff_id].append(h)
    return tuple(
        StaffAck(staff_id, _ack_time(rows), _within(rows, timeout, now))
        for staff_id, rows in sorted(held.items())
    )


def _by_reason(handoffs: Iterable[HandoffFacts]) -> tuple[ReasonCount, ...]:
    per: dict[str, list[HandoffFacts]] = defaultdict(list)
    for h in handoffs:
        for reason in dict.fromkeys(h.reasons):
            per[reason].append(h)
    ordered = sorted(per.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(ReasonCount(reason, _ids(rows)) for reason, rows in ordered)


def _bookings(
    drives: list[AppointmentFacts], rates: dict[str, ShowRate], *, assistant: bool
) -> Bookings:
    """The booker's test drives, with the show rate summed over its sources."""
    mine = [r for source, r in rates.items() if (source == reports.ASSISTANT_SOURCE) is assistant]
    total = ShowRate(
        booked=sum(r.booked for r in mine),
        showed=sum(r.showed for r in mine),
        no_show=sum(r.no_show for r in mine),
        pending=sum(r.pending for r in mine),
    )
    return Bookings(
        test_drives=_ids(drives),
        showed=_ids(d for d in drives if d.status is AppointmentStatus.SHOWED),
        no_show=_ids(d for d in drives if d.status is AppointmentStatus.NO_SHOW),
        show_rate=total,
    )


def _days(
    start: date,
    end: date,
    zone: ZoneInfo,
    convos: list[ConversationFacts],
    after_hours: list[ConversationFacts],
    handoffs: list[HandoffFacts],
) -> tuple[DayPoint, ...]:
    """One point per local day, rows bucketed by the day they belong to the period by."""
    started: dict[date, list[ConversationFacts]] = defaultdict(list)
    late: dict[date, list[ConversationFacts]] = defaultdict(list)
    raised: dict[date, list[HandoffFacts]] = defaultdict(list)
    for c in convos:
        started[c.created_at.astimezone(zone).date()].append(c)
    for c in after_hours:
        late[c.created_at.astimezone(zone).date()].append(c)
    for h in handoffs:
        raised[h.created_at.astimezone(zone).date()].append(h)
    days = (start + timedelta(days=offset) for offset in range((end - start).days))
    return tuple(
        DayPoint(
            day=day,
            conversations=_ids(started[day]),
            after_hours=_ids(late[day]),
            booked=_ids(c for c in started[day] if c.booked),
            handoffs=_ids(raised[day]),
            assistant_first_reply=_assistant_reply(started[day]),
            ack_time=_ack_time(raised[day]),
        )
        for day in days
    )
