"""Calendar invites (iCalendar, RFC 5545/5546 iTIP) for test-drive appointments.

Pure functions: records in, bytes or an `EmailMessage` out; no database, clock or network.
The same invite goes to the salesperson and to the shopper (mailed, or served from a link),
so it carries only what both may see: the car, the dealership, the shopper's own contact.

Contract with the store (`crm_store.appointments`):

- UID is derived from the appointment's secret token (a truncated SHA-256, never the token
  itself), so every REQUEST and CANCEL for one appointment updates the same calendar entry.
- SEQUENCE is `appointment.sequence` as stored. The store bumps it on every reschedule and
  once more on cancellation, so a CANCEL built from the cancelled record outranks the last
  REQUEST, as RFC 5546 asks. A CANCEL built from a still-booked record (e.g. telling a
  salesperson who was taken off the appointment) carries the same SEQUENCE as the REQUEST,
  which RFC 5546 also accepts (>=).
- Times are written in the dealership's local wall time with its TZID and a VTIMEZONE
  covering the event's year(s), so clients show 10:00 even across DST changes.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, tzinfo
from email.message import EmailMessage
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress

from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
    StaffRecord,
    VehicleRecord,
)
from crm_store.types import AppointmentStatus

Method = Literal["REQUEST", "CANCEL"]
METHODS: tuple[Method, ...] = ("REQUEST", "CANCEL")

PRODID = "-//Nightshift//Test drives//EN"
UID_DOMAIN = "nightshift"
_UID_HEX_CHARS = 32  # 128 bits of the digest: unique enough, and says nothing of the token
_STATUS: dict[Method, str] = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED"}


def appointment_ics(
    *,
    appointment: AppointmentRecord,
    dealership: DealershipRecord,
    vehicle: VehicleRecord,
    staff: StaffRecord | None,
    customer: CustomerRecord | None,
    method: Method,
    now: datetime,
    organizer_email: str,
    link: str | None = None,
) -> bytes:
    """The invite as iCalendar bytes (CRLF line ends, folded at 75 octets).

    `method` is the iTIP method: "REQUEST" for a booking or a reschedule, "CANCEL" to remove
    the entry. `now` (aware) becomes DTSTAMP. Staff and customer become attendees only when
    they have an e-mail address. Raises ValueError for an unknown method or time zone, naive
    datetimes, or a REQUEST for a cancelled appointment (it would reinstate the entry).
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not an iTIP method; expected one of {METHODS}")
    if method == "REQUEST" and appointment.status is AppointmentStatus.CANCELLED:
        raise ValueError(
            f"appointment {appointment.id} is cancelled; send method 'CANCEL', not 'REQUEST'"
        )
    for field, value in (
        ("appointment.starts_at", appointment.starts_at),
        ("appointment.ends_at", appointment.ends_at),
        ("now", now),
    ):
        _require_aware(field, value)
    zone = _zone(dealership.timezone)

    event = Event()
    event.add("uid", invite_uid(appointment.token))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", _wall_time(appointment.starts_at, zone))
    event.add("dtend", _wall_time(appointment.ends_at, zone))
    event.add("summary", f"Test drive: {vehicle.title}")
    event.add("location", ", ".join(p for p in (dealership.name, dealership.address) if p))
    event.add("description", _description(vehicle, customer, dealership, link))
    if link:
        event.add("url", link)
    event.add("status", _STATUS[method])
    event.add("transp", "OPAQUE")
    event.add("organizer", vCalAddress.new(organizer_email, cn=dealership.name))
    for person in (staff, customer):
        if person is not None and person.email:
            event.add("attendee", _attendee(person.email, person.name))

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(event)
    first_day = appointment.starts_at.astimezone(zone).date()
    last_day = appointment.ends_at.astimezone(zone).date()
    # A whole calendar year around the event holds both transitions of a DST zone, so the
    # VTIMEZONE has STANDARD and DAYLIGHT parts; zones without DST get STANDARD only.
    calendar.add_missing_timezones(
        first_date=date(first_day.year, 1, 1), last_date=date(last_day.year + 1, 1, 1)
    )
    ics: bytes = calendar.to_ical()
    return ics


def invite_uid(token: str) -> str:
    """The stable UID of an appointment's calendar entry; the token cannot be read back."""
    digest = hashlib.sha256(f"nightshift-invite:{token}".encode()).hexdigest()
    return f"{digest[:_UID_HEX_CHARS]}@{UID_DOMAIN}"


def invite_email(
    *, ics: bytes, method: str, to: str, sender: str, subject: str, text: str
) -> EmailMessage:
    """A MIME message carrying the invite the way Outlook and Google Calendar accept it.

    multipart/mixed
      multipart/alternative: text/plain (`text`), text/calendar; method=...; charset=utf-8
      application/ics attachment "invite.ics"

    The calendar parts are base64 so the CRLF line ends of `ics` survive any mail hop.
    `method` must match the METHOD inside `ics` (clients ignore invites where they differ).
    """
    wanted = method.upper()
    if wanted not in METHODS:
        raise ValueError(f"method {method!r} is not an iTIP method; expected one of {METHODS}")
    inside = str(Calendar.from_ical(ics).get("METHOD", ""))
    if inside.upper() != wanted:
        raise ValueError(f"method {method!r} does not match the invite's METHOD {inside!r}")

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message.set_content(text)
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": wanted, "charset": "utf-8"},
    )
    message.add_attachment(
        ics, maintype="application", subtype="ics", cte="base64", filename="invite.ics"
    )
    return message


def _attendee(email: str, name: str | None) -> vCalAddress:
    return vCalAddress.new(
        email,
        cn=name or None,
        cutype="INDIVIDUAL",
        role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION",
        rsvp=True,
    )


def _description(
    vehicle: VehicleRecord,
    customer: CustomerRecord | None,
    dealership: DealershipRecord,
    link: str | None,
) -> str:
    lines = [f"Test drive: {vehicle.title}", f"Stock: {vehicle.stock}"]
    if vehicle.color:
        lines.append(f"Color: {vehicle.color}")
    if customer is not None and customer.name:
        lines.append(f"Customer: {customer.name}")
    if customer is not None and customer.phone:
        lines.append(f"Customer phone: {customer.phone}")
    if dealership.phone:
        lines.append(f"Dealership phone: {dealership.phone}")
    if link:
        lines.append(f"Details: {link}")
    return "\n".join(lines)


def _wall_time(instant: datetime, zone: tzinfo) -> datetime:
    """`instant` as local time in `zone`, or in UTC when the local time is ambiguous.

    A TZID time in the repeated hour of a fall-back night means its first occurrence
    (RFC 5545 3.3.5), so the second occurrence can only be written exactly in UTC.
    """
    local = instant.astimezone(zone)
    if local.replace(fold=0).astimezone(UTC) != instant.astimezone(UTC):
        return instant.astimezone(UTC)
    return local


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"dealership.timezone {name!r} is not an IANA time zone; "
            "expected a name such as 'America/Los_Angeles'"
        ) from None


def _require_aware(field: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} {value.isoformat()} is naive; expected an aware datetime")
