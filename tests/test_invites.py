"""Calendar invites: built from plain records, read back with icalendar as a client would."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage, Message
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from booking.invites import Method, appointment_ics, invite_email, invite_uid
from crm_store.records import (
    AppointmentRecord,
    CustomerRecord,
    DealershipRecord,
    StaffRecord,
    VehicleRecord,
)
from crm_store.types import (
    AppointmentStatus,
)
from tests import records

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 2, 20, 16, 5, tzinfo=UTC)
TOKEN = "tok-Secret_9f3kQ2-abcdefghijklmnop"
LINK = "https://harborpoint.example/a/xyz"
HOURS = {day: (time(9), time(18)) for day in range(6)}

DEALER = records.dealership(hours=HOURS)
REP = records.salesperson(status_changed_at=NOW, shifts=HOURS)
CAR = records.vehicle()
SHOPPER = records.customer(sms_consent_at=NOW, created_at=NOW)


def booking(starts_at: datetime, *, token: str = TOKEN, sequence: int = 2) -> AppointmentRecord:
    return AppointmentRecord(
        id=42,
        dealership_id=1,
        customer_id=SHOPPER.id,
        vehicle_id=CAR.id,
        staff_id=REP.id,
        conversation_id=5,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        status=AppointmentStatus.BOOKED,
        token=token,
        sequence=sequence,
        source="agent",
    )


APPOINTMENT = booking(datetime(2026, 3, 12, 17, 0, tzinfo=UTC))


def ics(
    appointment: AppointmentRecord = APPOINTMENT,
    *,
    method: Method = "REQUEST",
    dealership: DealershipRecord = DEALER,
    vehicle: VehicleRecord = CAR,
    staff: StaffRecord | None = REP,
    customer: CustomerRecord | None = SHOPPER,
) -> bytes:
    return appointment_ics(
        appointment=appointment,
        dealership=dealership,
        vehicle=vehicle,
        staff=staff,
        customer=customer,
        method=method,
        now=NOW,
        organizer_email="calendar@harborpoint.example",
        link=LINK,
    )


def parse(data: bytes) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(data)
    events = calendar.events
    assert len(events) == 1
    return calendar, events[0]


def start_of(event: Event) -> datetime:
    start = event.start
    assert isinstance(start, datetime)
    return start


def end_of(event: Event) -> datetime:
    end = event.end
    assert isinstance(end, datetime)
    return end


def test_request_carries_the_appointment() -> None:
    calendar, event = parse(ics())

    assert str(calendar["PRODID"]) == "-//Nightshift//Test drives//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.sequence == 2
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.DTSTAMP == NOW
    assert str(event["SUMMARY"]) == "Test drive: 2021 Honda Civic EX"
    assert str(event["LOCATION"]) == "Harbor Point Honda, 1200 Harbor Blvd, Ventura, CA"
    assert str(event["URL"]) == LINK
    description = str(event["DESCRIPTION"])
    for expected in ("U2101", "Sonic Gray Pearl", "Dana Whitfield", "+18055550199", LINK):
        assert expected in description
    assert event.start == APPOINTMENT.starts_at
    assert event.end == APPOINTMENT.ends_at


def test_organizer_and_attendees() -> None:
    _, event = parse(ics())

    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:calendar@harborpoint.example"
    assert organizer.params["CN"] == "Harbor Point Honda"
    attendees = {str(a): a.params for a in event.attendees}
    assert set(attendees) == {"mailto:maria@harborpoint.example", "mailto:dana@example.com"}
    assert attendees["mailto:maria@harborpoint.example"]["CN"] == "Maria Lopez"
    assert attendees["mailto:dana@example.com"]["CN"] == "Dana Whitfield"
    for params in attendees.values():
        assert params["ROLE"] == "REQ-PARTICIPANT"
        assert params["PARTSTAT"] == "NEEDS-ACTION"
        assert params["RSVP"] == "TRUE"


def test_people_without_email_are_not_attendees() -> None:
    walk_in = replace(SHOPPER, email=None, name=None)
    _, event = parse(ics(staff=None, customer=walk_in))

    assert event.attendees == []
    assert str(event["ORGANIZER"]) == "mailto:calendar@harborpoint.example"


def test_uid_is_stable_per_appointment_and_hides_the_token() -> None:
    first, second = ics(), ics(replace(APPOINTMENT, sequence=5))
    other = ics(replace(APPOINTMENT, token="another-token-entirely"))

    uid = str(parse(first)[1]["UID"])
    assert uid == str(parse(second)[1]["UID"]) == invite_uid(TOKEN)
    assert uid.endswith("@nightshift")
    assert str(parse(other)[1]["UID"]) != uid
    unfolded = first.replace(b"\r\n ", b"")
    assert TOKEN.encode() not in unfolded
    assert TOKEN[:12].encode() not in unfolded


def test_cancel_keeps_the_uid_and_the_stored_sequence() -> None:
    # What crm_store.appointments.cancel_appointment returns: cancelled, sequence bumped.
    cancelled = replace(APPOINTMENT, status=AppointmentStatus.CANCELLED, sequence=3)
    calendar, event = parse(ics(cancelled, method="CANCEL"))
    _, request = parse(ics())

    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == request["UID"]
    assert event.sequence == 3 > request.sequence
    assert {str(a) for a in event.attendees} == {str(a) for a in request.attendees}


def test_request_for_a_cancelled_appointment_is_refused() -> None:
    cancelled = replace(APPOINTMENT, status=AppointmentStatus.CANCELLED)
    with pytest.raises(ValueError, match="cancelled"):
        ics(cancelled)


def test_bad_inputs_name_the_field() -> None:
    with pytest.raises(ValueError, match=r"dealership\.timezone 'Pacific Time'"):
        ics(dealership=replace(DEALER, timezone="Pacific Time"))
    naive = booking(datetime(2026, 3, 12, 17, 0))
    with pytest.raises(ValueError, match=r"appointment\.starts_at"):
        ics(naive)


@pytest.mark.parametrize(
    ("utc_start", "local_day"),
    [
        (datetime(2026, 3, 7, 18, 0, tzinfo=UTC), (2026, 3, 7)),  # PST, the day before
        (datetime(2026, 3, 8, 17, 0, tzinfo=UTC), (2026, 3, 8)),  # spring forward: PDT
        (datetime(2026, 10, 31, 17, 0, tzinfo=UTC), (2026, 10, 31)),  # PDT, the day before
        (datetime(2026, 11, 1, 18, 0, tzinfo=UTC), (2026, 11, 1)),  # fall back: PST
    ],
)
def test_local_wall_time_across_dst(utc_start: datetime, local_day: tuple[int, int, int]) -> None:
    data = ics(booking(utc_start))
    calendar, event = parse(data)

    year, month, day = local_day
    assert f"DTSTART;TZID=America/Los_Angeles:{year}{month:02}{day:02}T100000".encode() in data
    start = start_of(event)
    assert start.tzinfo == LA
    assert (start.date(), start.time()) == (datetime(year, month, day).date(), time(10, 0))
    assert start == utc_start
    assert event.end == utc_start + timedelta(minutes=30)

    (zone,) = calendar.timezones
    assert zone.tz_name == "America/Los_Angeles"
    assert zone.standard and zone.daylight
    # The VTIMEZONE alone (not the client's own tz database) must place the event right.
    from_vtimezone = start.replace(tzinfo=zone.to_tz(lookup_tzid=False))
    assert from_vtimezone == utc_start


def test_zone_without_dst() -> None:
    phoenix = replace(DEALER, timezone="America/Phoenix")
    utc_start = datetime(2026, 3, 8, 17, 0, tzinfo=UTC)  # 10:00 MST, all year
    data = ics(booking(utc_start), dealership=phoenix)
    calendar, event = parse(data)

    assert b"DTSTART;TZID=America/Phoenix:20260308T100000" in data
    assert event.start == utc_start
    (zone,) = calendar.timezones
    assert zone.tz_name == "America/Phoenix"
    assert zone.standard and not zone.daylight
    assert start_of(event).replace(tzinfo=zone.to_tz(lookup_tzid=False)) == utc_start


@pytest.mark.parametrize(
    "utc_start",
    [
        datetime(2026, 11, 1, 8, 30, tzinfo=UTC),  # 01:30 PDT, first pass of the hour
        datetime(2026, 11, 1, 9, 30, tzinfo=UTC),  # 01:30 PST, the repeated hour
    ],
)
def test_the_repeated_hour_keeps_the_exact_instant(utc_start: datetime) -> None:
    _, event = parse(ics(booking(utc_start)))

    # Compared in UTC: Python never calls an ambiguous local time equal to another zone's.
    assert start_of(event).astimezone(UTC) == utc_start
    assert end_of(event).astimezone(UTC) == utc_start + timedelta(minutes=30)


def test_lines_are_folded_at_75_octets_with_crlf() -> None:
    long_trim = "Édition Spéciale Touring Hybride Technologie Élite " * 3
    data = ics(vehicle=replace(CAR, trim=long_trim))

    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    _, event = parse(data)
    assert str(event["SUMMARY"]) == f"Test drive: 2021 Honda Civic {long_trim}"


def calendar_parts(message: Message) -> list[Message]:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def invite_message(method: Method) -> tuple[bytes, EmailMessage]:
    status = AppointmentStatus.CANCELLED if method == "CANCEL" else AppointmentStatus.BOOKED
    data = ics(replace(APPOINTMENT, status=status), method=method)
    message = invite_email(
        ics=data,
        method=method,
        to="dana@example.com",
        sender="Harbor Point Honda <calendar@harborpoint.example>",
        subject="Your test drive on Thursday, March 12 at 10:00 AM",
        text="See you Thursday at 10:00 AM. — Harbor Point Honda",
    )
    return data, message


def test_invite_email_carries_the_calendar_part() -> None:
    data, message = invite_message("REQUEST")
    parsed = email.message_from_bytes(message.as_bytes())

    assert parsed["To"] == "dana@example.com"
    assert parsed.get_content_type() == "multipart/mixed"
    (part,) = calendar_parts(parsed)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert payload == data
    _, event = parse(payload)
    assert event["UID"] == invite_uid(TOKEN)

    typed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(typed, EmailMessage)
    body = typed.get_body(("plain",))
    assert body is not None
    assert body.get_content().strip() == "See you Thursday at 10:00 AM. — Harbor Point Honda"
    (attachment,) = typed.iter_attachments()
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content() == data


def test_cancel_email_says_cancel() -> None:
    data, message = invite_message("CANCEL")
    (part,) = calendar_parts(email.message_from_bytes(message.as_bytes()))

    assert part.get_param("method") == "CANCEL"
    assert part.get_payload(decode=True) == data


def test_invite_email_refuses_a_method_the_ics_does_not_carry() -> None:
    with pytest.raises(ValueError, match="does not match"):
        invite_email(
            ics=ics(),
            method="CANCEL",
            to="a@example.com",
            sender="b@example.com",
            subject="s",
            text="t",
        )
