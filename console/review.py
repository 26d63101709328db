"""Transcript review for managers: the dealership's conversations of a period, filtered
(channel, outcome, salesperson, flagged, after hours, text) and paged; the conversations
CSV of the same selection; one conversation's flags, audit trail and test drives; flagging
and unflagging (audited); and the review queue (flagged, handed off, guardrail-blocked
replies, fallback replies).

The period's conversations are `crm_store.reports.conversations_started`, the same the KPIs
and the CSV count (a salesperson's conversations too: `staff_id`); the filters narrow that
set, never widen it. Each call acts as a signed-in staff member and sees only their
dealership: another dealership's conversation is `NotFound`, like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from console.conversations_csv import conversations_csv
from console.inbox import audit_action, conversation_of
from crm_store import appointments, dealerships, handoffs, reports, review
from crm_store.audit import AuditRecord
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.inbox_items import display_name
from crm_store.records import (
    AppointmentRecord,
    DealershipRecord,
    HandoffRecord,
)
from crm_store.reports import ConversationFacts
from crm_store.review import FlagRecord, QueueItem
from crm_store.staff_sessions import SessionRecord
from crm_store.types import HANDOFF_REASONS, Channel
from crm_store.uow import UnitOfWork
from handoff.routing import open_now

DEFAULT_DAYS = 7
MAX_DAYS = 366
PER_PAGE = 50
OUTCOMES = ("booked", "handed_off", *(f"handed_off:{r}" for r in HANDOFF_REASONS), "no_action")


@dataclass(frozen=True, slots=True)
class Filters:
    """What the review list shows: dealership-local days `start` to `last` (both included)
    and, when set, only that channel, outcome (`OUTCOMES`), salesperson, flagged or not,
    after hours or not, with a message containing `text`; page `page` (from 1)."""

    start: date
    last: date
    channel: Channel | None = None
    outcome: str | None = None
    staff_id: int | None = None
    flagged: bool | None = None
    after_hours: bool | None = None
    text: str = ""
    page: int = 1


@dataclass(frozen=True, slots=True)
class Row:
    public_id: str
    customer: str
    channel: Channel
    started_at: datetime
    messages: int
    booked: bool
    reasons: tuple[str, ...]  # of its handoffs; () when never handed off
    handed_off: bool
    after_hours: bool
    flagged: bool

    @property
    def outcome(self) -> str:
        parts = ["booked"] if self.booked else []
        if self.handed_off:
            parts.append(
                f"handed off ({', '.join(self.reasons)})" if self.reasons else "handed off"
            )
        return "; ".join(parts) or "no action"


@dataclass(frozen=True, slots=True)
class Listing:
    rows: list[Row]  # this page's
    total: int  # matching conversations, all pages
    page: int
    pages: int
    timezone: str


@dataclass(frozen=True, slots=True)
class ReviewView:
    """What the review view adds to a conversation's page (`console.inbox.ConversationView`)."""

    flags: list[FlagRecord]
    audit: list[AuditRecord]
    appointments: list[AppointmentRecord]
    handoffs: list[HandoffRecord]
    timezone: str  # the dealership's, to show times in


def filters(
    today: date,
    *,
    start: str | None = None,
    last: str | None = None,
    channel: str | None = None,
    outcome: str | None = None,
    staff_id: str | None = None,
    flagged: str | None = None,
    after_hours: str | None = None,
    text: str | None = None,
    page: str | None = None,
) -> Filters:
    """The filters a form asks for (query string values; empty means any), by default the
    last `DEFAULT_DAYS` days up to `today`; `InvalidValue` naming the field otherwise."""
    to_day = _day("to", last) if last else today
    from_day = _day("from", start) if start else to_day - timedelta(days=DEFAULT_DAYS - 1)
    if not 0 < (to_day - from_day).days + 1 <= MAX_DAYS:
        raise InvalidValue("to", to_day.isoformat(), f"a day 0 to {MAX_DAYS - 1} after from")
    if channel and channel not in {c.value for c in Channel}:
        raise InvalidValue("channel", channel, " or ".join(c.value for c in Channel))
    if outcome and outcome not in OUTCOMES:
        raise InvalidValue("outcome", outcome, "one of " + ", ".join(OUTCOMES))
    if staff_id and not staff_id.isdigit():
        raise InvalidValue("staff", staff_id, "the id of one of the dealership's staff")
    if page and (not page.isdigit() or int(page) < 1):
        raise InvalidValue("page", page, "a page number from 1")
    return Filters(
        from_day,
        to_day,
        channel=Channel(channel) if channel else None,
        outcome=outcome or None,
        staff_id=int(staff_id) if staff_id else None,
        flagged=_yes_no("flagged", flagged),
        after_hours=_yes_no("after_hours", after_hours),
        text=(text or "").strip(),
        page=int(page) if page else 1,
    )


class Review:
    def __init__(self, store: Store) -> None:
        self.store = store

    def today(self, acting: SessionRecord) -> date:
        """The dealership-local day now (the default period ends with it)."""
        with self.store.reading() as uow:
            return uow.now().astimezone(_zone(uow, acting)).date()

    def timezone(self, acting: SessionRecord) -> str:
        """The dealership's time zone (the pages show its local times)."""
        with self.store.reading() as uow:
            return _zone(uow, acting).key

    def search(self, acting: SessionRecord, chosen: Filters) -> Listing:
        """The conversations matching `chosen`, newest first, `PER_PAGE` a page."""
        with self.store.reading() as uow:
            rows = _matching(uow, acting, chosen)[::-1]
            zone = _zone(uow, acting)
        pages = max(1, -(-len(rows) // PER_PAGE))
        first = (chosen.page - 1) * PER_PAGE
        return Listing(rows[first : first + PER_PAGE], len(rows), chosen.page, pages, zone.key)

    def csv(self, acting: SessionRecord, chosen: Filters) -> str:
        """The conversations CSV (`console.conversations_csv`) of every matching conversation;
        the download is audited."""
        with self.store.unit_of_work() as uow:
            rows = _matching(uow, acting, chosen)
            ids = {r.public_id for r in rows}
            lo, hi = _bounds(uow, acting, chosen)
            text = conversations_csv(
                uow, dealership_id=acting.dealership_id, start=lo, end=hi, public_ids=ids
            )
            target = f"dealership:{acting.dealership_id}"
            audit_action(uow, acting, "review_csv", target, {"conversations": len(ids)})
            return text

    def conversation(self, acting: SessionRecord, public_id: str) -> ReviewView:
        with self.store.reading() as uow:
            convo = conversation_of(uow, acting, public_id)
            raised = handoffs.list_handoffs(
                uow, dealership_id=acting.dealership_id, conversation_id=convo.id
            )
            drives = [
                a
                for a in appointments.list_appointments(
                    uow, dealership_id=acting.dealership_id, include_cancelled=True
                )
                if a.conversation_id == convo.id
            ]
            targets = {f"conversation:{convo.id}", f"conversation:{convo.public_id}"}
            targets |= {f"handoff:{h.id}" for h in raised}
            targets |= {f"appointment:{a.id}" for a in drives}
            return ReviewView(
                flags=review.flags(uow, conversation_id=convo.id),
                audit=review.audit_trail(uow, dealership_id=acting.dealership_id, targets=targets),
                appointments=drives,
                handoffs=raised,
                timezone=_zone(uow, acting).key,
            )

    def flag(self, acting: SessionRecord, public_id: str, tag: str, note: str) -> FlagRecord:
        """Flag the conversation (`InvalidValue` on `tag` or `note`); audited."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            found = review.add_flag(
                uow, conversation_id=convo.id, staff_id=acting.staff_id, tag=tag, note=note
            )
            detail = {"flag": found.id, "tag": tag}
            audit_action(uow, acting, "review_flag", f"conversation:{convo.id}", detail)
            return found

    def unflag(self, acting: SessionRecord, public_id: str, flag_id: int) -> FlagRecord:
        """Remove one flag of the conversation (`NotFound` when it has no such flag); audited."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            found = review.remove_flag(uow, conversation_id=convo.id, flag_id=flag_id)
            detail = {"flag": found.id, "tag": found.tag}
            audit_action(uow, acting, "review_unflag", f"conversation:{convo.id}", detail)
            return found

    def exported(self, acting: SessionRecord, public_id: str) -> None:
        """Check the conversation is the acting staff member's dealership's (`NotFound`
        otherwise) and audit its export as a QA scenario."""
        with self.store.unit_of_work() as uow:
            convo = conversation_of(uow, acting, public_id)
            audit_action(uow, acting, "review_scenario", f"conversation:{convo.id}", {})

    def queue(self, acting: SessionRecord, chosen: Filters) -> list[QueueItem]:
        """The review queue over the period of `chosen` (`crm_store.review.queue`)."""
        with self.store.reading() as uow:
            lo, hi = _bounds(uow, acting, chosen)
            return review.queue(uow, dealership_id=acting.dealership_id, start=lo, end=hi)


def _matching(uow: UnitOfWork, acting: SessionRecord, chosen: Filters) -> list[Row]:
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=acting.dealership_id)
    lo, hi = _bounds(uow, acting, chosen)
    facts = reports.conversations_started(
        uow, dealership_id=dealer.id, start=lo, end=hi, staff_id=chosen.staff_id
    )
    if chosen.channel is not None:
        facts = [f for f in facts if f.channel is chosen.channel]
    if chosen.text:
        found = review.with_text(uow, dealership_id=dealer.id, start=lo, end=hi, text=chosen.text)
        facts = [f for f in facts if f.conversation_id in found]
    marked = review.flagged(uow, conversation_ids=[f.conversation_id for f in facts])
    raised = review.handed_off(uow, dealership_id=dealer.id, start=lo, end=hi)
    people = review.shoppers(uow, dealership_id=dealer.id, start=lo, end=hi)
    rows = [_row(f, raised, marked, people, dealer) for f in facts]
    return [r for r in rows if _wanted(r, chosen)]


def _row(
    facts: ConversationFacts,
    raised: dict[int, tuple[str, ...]],
    marked: set[int],
    people: dict[int, tuple[str | None, str | None]],
    dealer: DealershipRecord,
) -> Row:
    shopper = people.get(facts.customer_id) if facts.customer_id is not None else None
    name, phone = shopper or (None, None)
    first = facts.first_shopper_at or facts.created_at
    return Row(
        public_id=facts.public_id,
        customer=display_name(name, phone),
        channel=facts.channel,
        started_at=facts.created_at,
        messages=facts.messages,
        booked=facts.booked,
        reasons=raised.get(facts.conversation_id, ()),
        handed_off=facts.conversation_id in raised,
        after_hours=not open_now(dealer.hours, first, dealer.timezone),
        flagged=facts.conversation_id in marked,
    )


def _wanted(row: Row, chosen: Filters) -> bool:
    if chosen.flagged is not None and row.flagged != chosen.flagged:
        return False
    if chosen.after_hours is not None and row.after_hours != chosen.after_hours:
        return False
    wanted = chosen.outcome
    if wanted == "booked":
        return row.booked
    if wanted == "no_action":
        return not row.booked and not row.handed_off
    if wanted == "handed_off":
        return row.handed_off
    if wanted and wanted.startswith("handed_off:"):
        return wanted.removeprefix("handed_off:") in row.reasons
    return True


def _bounds(uow: UnitOfWork, acting: SessionRecord, chosen: Filters) -> tuple[datetime, datetime]:
    zone = _zone(uow, acting)
    end = chosen.last + timedelta(days=1)
    return datetime.combine(chosen.start, time(), zone), datetime.combine(end, time(), zone)


def _zone(uow: UnitOfWork, acting: SessionRecord) -> ZoneInfo:
    dealer = dealerships.get_dealership_by_id(uow, dealership_id=acting.dealership_id)
    return ZoneInfo(dealer.timezone)


def _day(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(name, value, "a date as YYYY-MM-DD") from None


def _yes_no(name: str, value: str | None) -> bool | None:
    if not value:
        return None
    if value not in ("y", "n"):
        raise InvalidValue(name, value, "y, n or empty (either)")
    return value == "y"
