"""Outreach rules, pure: who may be texted, when (the recipient's local send window), how
often (a per-customer cap across campaigns), at what pace (the sending number's throttle),
what each recipient's text says (the campaign's template, its fields filled from the store
at send time, never from a model), and the disclosure every outreach text ends with.

Time zone of a recipient: theirs when the customer record has one, else the single zone of
their phone's area code, else the dealership's (an area code spanning zones, or a toll-free
number, names no zone). The quiet hours are about the recipient's clock, not the store's.
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from phonenumbers import timezone as phone_zones

from crm_store.outreach import AttemptReason, CampaignKind
from crm_store.records import VehicleRecord
from crm_store.types import Consent, VehicleStatus
from signals.outreach_config import OutreachConfig
from signals.words import money

# The fields a template may name. The vehicle's are of the vehicle the text is about (a
# price drop's, a missed appointment's) as the store has it when the text goes out.
VEHICLE_FIELDS = frozenset({"vehicle", "stock", "price"})
FIELDS = ("first_name", "dealership", *sorted(VEHICLE_FIELDS))
# the campaigns whose every recipient has a vehicle (`signals.outreach_campaign.audience`)
VEHICLE_KINDS = frozenset({CampaignKind.PRICE_DROP, CampaignKind.NO_SHOW})


def recipient_zone(customer_zone: str | None, phone: str | None, dealer_zone: str) -> str:
    if customer_zone and _known(customer_zone):
        return customer_zone
    if phone:
        try:
            zones = phone_zones.time_zones_for_number(phonenumbers.parse(phone, "US"))
        except phonenumbers.NumberParseException:
            zones = ()
        if len(zones) == 1 and _known(zones[0]):
            return str(zones[0])
    return dealer_zone


def _known(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def barred(*, consent: Consent, phone: str | None) -> AttemptReason | None:
    """Why this customer may not be texted at all (None: they may). Only a recorded GRANTED
    consent counts: unknown is no."""
    if not phone:
        return AttemptReason.NO_PHONE
    if consent is Consent.REVOKED:
        return AttemptReason.OPTED_OUT
    if consent is not Consent.GRANTED:
        return AttemptReason.NO_CONSENT
    return None


def next_allowed(at: datetime, zone: str, config: OutreachConfig) -> datetime:
    """`at` when it is inside the recipient's send window, else the window's next opening."""
    tz = ZoneInfo(zone)
    local = at.astimezone(tz)
    if config.window_start <= local.time() < config.window_end:
        return at
    day = local.date() if local.time() < config.window_start else local.date() + timedelta(1)
    return datetime.combine(day, config.window_start, tzinfo=tz).astimezone(at.tzinfo)


def over_cap(recent: Iterable[datetime], now: datetime, config: OutreachConfig) -> bool:
    """Whether the outreach texts a customer had (or has queued) since `cap_days` ago
    already reach the cap."""
    since = now - timedelta(days=config.cap_days)
    return sum(1 for at in recent if at >= since) >= config.cap_count


def with_disclosure(text: str, *, dealership: str, config: OutreachConfig) -> str:
    """The text, then who is writing and that it is automated, and how to stop it."""
    note = (
        f"- {config.assistant_name}, {dealership}'s AI assistant (automated). "
        "Reply STOP to opt out."
    )
    return f"{text.strip()}\n{note}"


def template_fields(template: str) -> set[str]:
    """The fields `template` names; ValueError naming an unknown field, a format spec or an
    unpaired brace (`{{` and `}}` write literal braces)."""
    known = ", ".join("{" + name + "}" for name in FIELDS)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise ValueError("--message: an unpaired { or } (write {{ or }} for a brace)") from None
    named: set[str] = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FIELDS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            raise ValueError(f"--message: unknown placeholder {shown}; known: {known}")
        named.add(name)
    return named


def about_vehicle(kind: CampaignKind, template: str) -> bool:
    """Whether the text offers its vehicle, so must not go once it is gone: a price drop's
    always, any other's when it names one of the vehicle's fields."""
    return kind is CampaignKind.PRICE_DROP or bool((_fields(template) or set()) & VEHICLE_FIELDS)


def _fields(template: str) -> set[str] | None:
    """`template_fields`, or None for a template saved before they were checked."""
    try:
        return template_fields(template)
    except ValueError:
        return None


def vehicle_gone(vehicle: VehicleRecord | None) -> bool:
    """Sold, or deleted (the attempt's vehicle was set NULL, or it never named one)."""
    return vehicle is None or vehicle.status is VehicleStatus.SOLD


def render(
    template: str, *, dealership: str, name: str | None, vehicle: VehicleRecord | None
) -> str:
    """The template with its fields filled for one recipient: their first name ("there"
    when not known), the dealership's name, and the vehicle's title, stock number and
    current price. A vehicle field with no vehicle is the caller's to prevent (suppress)."""
    if _fields(template) is None:
        return template  # saved before its fields were checked: sent as written
    first = (name or "").split()
    values = {"first_name": first[0] if first else "there", "dealership": dealership}
    if vehicle is not None:
        values |= {"vehicle": vehicle.title, "stock": vehicle.stock, "price": money(vehicle.price)}
    out: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if field is not None:
            out.append(values[field])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Slot:
    at: datetime
    deferred: bool  # moved out of the recipient's quiet hours


class SendSchedule:
    """The sending number's timetable: every planned send holds the number for
    `throttle_seconds` per SMS segment of its text (`signals.sms_segments`), and no two
    overlap (already `taken` ones included, counted as one segment each); each send is
    inside its recipient's window."""

    def __init__(self, taken: Sequence[datetime], config: OutreachConfig) -> None:
        self.config = config
        self.gap = timedelta(seconds=config.throttle_seconds)
        self.booked = sorted((at, at + self.gap) for at in taken)  # (start, end)
        self.longest = self.gap

    def place(self, earliest: datetime, zone: str, segments: int = 1) -> Slot:
        span = self.gap * max(1, segments)
        self.longest = max(self.longest, span)
        at = next_allowed(earliest, zone, self.config)
        deferred = at != earliest
        while True:
            free_from = self._busy_until(at, span)
            if free_from is None:
                bisect.insort(self.booked, (at, at + span))
                return Slot(at, deferred)
            moved = next_allowed(free_from, zone, self.config)
            deferred = deferred or moved != free_from
            at = moved

    def _busy_until(self, at: datetime, span: timedelta) -> datetime | None:
        """When the planned sends overlapping `[at, at + span)` are all done, if any do."""
        i = bisect.bisect_left(self.booked, (at - self.longest,))
        until = None
        while i < len(self.booked) and self.booked[i][0] < at + span:
            _start, end = self.booked[i]
            if end > at and (until is None or end > until):
                until = end
            i += 1
        return until
