"""The conversations behind a KPI figure (crm_store.kpi_conversations), on SQLite and
PostgreSQL: in the order asked, one dealership's only, each with its customer and outcome."""

from __future__ import annotations

from contracts.clock import FrozenClock
from crm_store.db import Store
from crm_store.kpi_conversations import conversations_by_public_id
from crm_store.types import Channel
from tests.factories import make_lot
from tests.kpi_world import build_week, local


def test_the_listed_conversations_keep_the_order_asked_and_stay_in_the_dealership(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    week = build_week(store, clock, lot, make_lot(store, slug="other-lot"))
    asked = [
        week.c3.public_id,
        week.elsewhere.public_id,  # another dealership's: never listed
        "no-such-conversation",
        week.c1.public_id,
        week.c4.public_id,
        week.c2.public_id,
        week.c1.public_id,  # twice: listed once
    ]
    with store.reading() as uow:
        listed = conversations_by_public_id(uow, dealership_id=lot.dealer.id, public_ids=asked)
    assert [(c.public_id, c.outcome) for c in listed] == [
        (week.c3.public_id, "test drive no show"),
        (week.c1.public_id, "test drive showed"),
        (week.c4.public_id, "assistant only"),  # its only test drive was cancelled
        (week.c2.public_id, "test drive booked"),
    ]
    c3, c1 = listed[0], listed[1]
    assert c1.customer == "Dana Ruiz" and c1.created_at == local("2026-03-02 08:30")
    assert c3.channel is Channel.WEB and c3.customer.startswith("+1555")
    with store.reading() as uow:
        assert conversations_by_public_id(uow, dealership_id=lot.dealer.id, public_ids=[]) == []
