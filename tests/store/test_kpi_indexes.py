"""Migration 0012: the composite indexes the console's period queries filter on exist after
upgrading, go on downgrading to 0011 (rows kept) and come back; on both backends."""

from __future__ import annotations

import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import conversations, migrate
from crm_store.db import Store, create_db_engine
from crm_store.types import Channel
from tests.factories import make_lot

KPI_INDEXES = {
    ("conversations", "ix_conversations_dealership_created"): ["dealership_id", "created_at"],
    ("handoffs", "ix_handoffs_dealership_created"): ["dealership_id", "created_at"],
    ("appointments", "ix_appointments_dealership_starts"): ["dealership_id", "starts_at"],
    ("messages", "ix_messages_conversation_created"): ["conversation_id", "created_at"],
}


def _kpi_indexes(url: str) -> dict[tuple[str, str], list[str | None]]:
    engine = create_db_engine(url)
    try:
        found = sa.inspect(engine)
        return {
            (table, str(index["name"])): index["column_names"]
            for table in {t for t, _ in KPI_INDEXES}
            for index in found.get_indexes(table)
            if (table, index["name"]) in KPI_INDEXES
        }
    finally:
        engine.dispose()


def test_the_kpi_indexes_come_with_0012_and_go_with_its_downgrade(
    store: Store, db_url: str, clock: FrozenClock
) -> None:
    assert _kpi_indexes(db_url) == KPI_INDEXES
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        convo, _ = conversations.open_conversation(
            uow, dealership_id=lot.dealer.id, customer_id=lot.shopper.id, channel=Channel.SMS
        )
    try:
        migrate.downgrade(db_url, "0011")
        assert _kpi_indexes(db_url) == {}
        migrate.upgrade(db_url, "0012")
        assert _kpi_indexes(db_url) == KPI_INDEXES
    finally:
        migrate.upgrade(db_url)
    assert migrate.drift(db_url) == []
    with store.reading() as uow:  # the rows were never touched
        assert conversations.get_conversation(uow, conversation_id=convo.id) == convo
