"""The conversations CSV (console/conversations_csv.py) on both backends: one row per
conversation started in the period, each column as the manager reads it, RFC 4180 quoting
and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from console.conversations_csv import COLUMNS, conversations_csv, guard
from contracts.clock import FrozenClock
from crm_store import appointments, conversations, customers, handoffs, messages
from crm_store.db import Store
from crm_store.types import Author, Channel, Direction
from tests.factories import Lot, make_lot

LA = ZoneInfo("America/Los_Angeles")
EVIL = '=HYPERLINK("http://x.example"), "Bob"'


def say(store: Store, conversation_id: int, author: Author, body: str) -> int:
    direction = Direction.INBOUND if author is Author.SHOPPER else Direction.OUTBOUND
    with store.unit_of_work() as uow:
        stored = messages.record_message(
            uow, conversation_id=conversation_id, direction=direction, author=author, body=body
        )
    return stored.message.id


def start_conversation(
    store: Store, lot: Lot, phone: str, name: str | None = None
) -> tuple[int, str]:
    with store.unit_of_work() as uow:
        shopper = customers.upsert_customer(
            uow, dealership_id=lot.dealer.id, phone=phone, name=name
        )
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=shopper.id, channel=Channel.SMS
        )
    return convo.id, convo.public_id


def rows(text: str) -> list[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_one_row_per_conversation_started_in_the_period(store: Store, clock: FrozenClock) -> None:
    lot = make_lot(store)
    other = make_lot(store, slug="elsewhere-honda")
    # Friday 21:40, after hours: Dana asks about financing; the assistant answers 7 s later
    financing, financing_id = start_conversation(store, lot, "(555) 123-0001")
    trigger = say(store, financing, Author.SHOPPER, "can I get financing?")
    clock.advance(timedelta(seconds=7))
    say(store, financing, Author.ASSISTANT, "Let me get our finance team.")
    with store.unit_of_work() as uow:
        handoffs.create_handoff(
            uow,
            dealership_id=lot.dealer.id,
            conversation_id=financing,
            customer_id=lot.shopper.id,
            reasons=["financing"],
            confidence=0.9,
            trigger_message_id=trigger,
        )
    # Saturday 10:00, open: a shopper with a hostile name books a drive; nobody writes back
    clock.set(datetime(2026, 3, 7, 10, 0, tzinfo=LA))
    booking, booking_id = start_conversation(store, lot, "+15551230002", EVIL)
    say(store, booking, Author.SHOPPER, "saturday at 11?")
    with store.unit_of_work() as uow:
        starts = datetime(2026, 3, 7, 11, 0, tzinfo=LA)
        appointments.create_appointment(
            uow,
            dealership_id=lot.dealer.id,
            vehicle_id=lot.car.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            source="assistant",
            staff_id=lot.rep.id,
            conversation_id=booking,
        )
    # another dealership's conversation, and one after the period, are not listed
    start_conversation(store, other, "+15551230003")
    clock.set(datetime(2026, 3, 8, 0, 0, tzinfo=LA))
    start_conversation(store, lot, "+15551230004")

    with store.reading() as uow:
        text = conversations_csv(
            uow,
            dealership_id=lot.dealer.id,
            start=datetime(2026, 3, 6, tzinfo=LA),
            end=datetime(2026, 3, 8, tzinfo=LA),
        )

    assert rows(text) == [
        {
            "conversation": guard(financing_id),  # an id may start with "-"
            "channel": "sms",
            "started_at": "2026-03-06T21:40:00-08:00",
            "customer": "Dana Ruiz",
            "messages": "2",
            "outcome": "handed off (financing)",
            "salesperson": "Maria Lopez",  # nobody paged yet: the shopper's own salesperson
            "after_hours": "y",
            "first_reply_seconds": "7",
        },
        {
            "conversation": guard(booking_id),
            "channel": "sms",
            "started_at": "2026-03-07T10:00:00-08:00",
            "customer": "'" + EVIL,
            "messages": "1",
            "outcome": "booked",
            "salesperson": "Maria Lopez",
            "after_hours": "n",
            "first_reply_seconds": "",
        },
    ]
    # RFC 4180: CRLF line ends, the comma and quotes of a cell quoted and doubled
    assert text.endswith("\r\n") and text.count("\r\n") == 3
    assert '"\'=HYPERLINK(""http://x.example""), ""Bob"""' in text


def test_a_cell_a_spreadsheet_would_run_is_shown_as_text() -> None:
    assert [guard(c) for c in ("=1+2", "+1", "-2", "@SUM(A1)", "\tx", "Dana", "")] == [
        "'=1+2",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "Dana",
        "",
    ]


def test_an_empty_period_is_the_header_alone(store: Store) -> None:
    lot = make_lot(store)
    start_conversation(store, lot, "(555) 123-0001")

    with store.reading() as uow:
        text = conversations_csv(
            uow,
            dealership_id=lot.dealer.id,
            start=datetime(2026, 3, 1, tzinfo=LA),
            end=datetime(2026, 3, 2, tzinfo=LA),
        )

    assert text == ",".join(COLUMNS) + "\r\n"
