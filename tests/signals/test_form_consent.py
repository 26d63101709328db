"""Consent to texts given on the website (SQLite and PostgreSQL): a form with its "you may text
me" box ticked records the shopper's consent for that phone, from the form's time; a STOP
sent after the form wins over a form sent before it arrives late; an unticked box, a form
for another number, and a non-boolean value change nothing (the last is a 422)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from contracts.clock import FrozenClock
from crm_store import customers
from crm_store.db import Store
from crm_store.types import Consent
from signals.events import EventsRejected, parse_batch
from signals.ingest import ingest
from tests.factories import Lot, make_lot

PHONE = "+15551230001"  # the lot's shopper


def form(store: Store, minutes_ago: int, **properties: Any) -> dict[str, Any]:
    at = store.clock.now() - timedelta(minutes=minutes_ago)
    return {
        "type": "form_submission",
        "at": at.isoformat(),
        "customer": {"phone": PHONE},
        "properties": properties,
    }


def send(store: Store, lot: Lot, *events: dict[str, Any]) -> None:
    now = store.clock.now()
    with store.unit_of_work() as uow:
        ingest(uow, dealership_id=lot.dealer.id, events=parse_batch(list(events), now=now))


def consent(store: Store, lot: Lot) -> tuple[Consent, str | None]:
    with store.reading() as uow:
        found = customers.get_customer(uow, customer_id=lot.shopper.id)
    return found.sms_consent, found.sms_consent_source


def test_a_ticked_box_records_consent_and_an_unticked_one_changes_nothing(store: Store) -> None:
    lot = make_lot(store)
    send(store, lot, form(store, 20, sms_consent=False), form(store, 15))
    assert consent(store, lot) == (Consent.UNKNOWN, None)
    send(store, lot, form(store, 10, sms_consent=True))
    assert consent(store, lot) == (Consent.GRANTED, "web_form")
    with store.reading() as uow:
        history = customers.consent_history(uow, customer_id=lot.shopper.id)
    assert [(c.state, c.source) for c in history] == [(Consent.GRANTED, "web_form")]


def test_a_stop_after_the_form_wins_over_the_form_arriving_late(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        customers.record_consent(
            uow, customer_id=lot.shopper.id, state=Consent.REVOKED, source="sms_keyword"
        )
    send(store, lot, form(store, 30, sms_consent=True))  # ticked half an hour before the STOP
    assert consent(store, lot) == (Consent.REVOKED, "sms_keyword")
    clock.advance(timedelta(hours=1))
    send(store, lot, form(store, 5, sms_consent=True))  # ticked again, after the STOP
    assert consent(store, lot) == (Consent.GRANTED, "web_form")


def test_consent_is_for_the_number_on_the_form(store: Store) -> None:
    lot = make_lot(store)
    other = form(store, 10, sms_consent=True)
    other["customer"] = {"phone": "+15551239999", "email": "x@example.com"}
    send(store, lot, other)
    assert consent(store, lot) == (Consent.UNKNOWN, None)


def test_a_consent_that_is_not_a_boolean_is_refused_naming_it(store: Store) -> None:
    with pytest.raises(EventsRejected) as refused:
        parse_batch([form(store, 10, sms_consent="yes")], now=store.clock.now())
    assert "sms_consent" in str(refused.value.problems[0].msg)
