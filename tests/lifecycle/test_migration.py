"""Migration 0016: the ownership tables come with it and go with its downgrade to 0015,
which keeps every other table's rows; upgrading again brings them back empty and the
models agree with the schema; on both backends."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store import customers, migrate
from crm_store.db import Store, create_db_engine
from crm_store.ownership import list_ownerships
from signals.owner_import import import_owners, parse_owners
from tests.factories import make_lot
from tests.lifecycle.owners_csv import OWNERS

TABLES = {"owned_vehicles", "vehicle_finance", "book_values"}


def _customers(url: str) -> list[tuple[object, ...]]:
    """The customer rows as the schema of the moment holds them (not through the models,
    which know the columns of later migrations)."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            query = "SELECT id, name, phone, email FROM customers ORDER BY id"
            return [tuple(row) for row in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) & TABLES
    finally:
        engine.dispose()


def test_0016_adds_the_ownership_tables_and_its_downgrade_keeps_other_rows(
    store: Store, db_url: str
) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        import_owners(uow, dealership_id=lot.dealer.id, rows=parse_owners(OWNERS.encode()))
    with store.reading() as uow:
        known = customers.list_customers(uow, dealership_id=lot.dealer.id)
    rows = _customers(db_url)
    assert len(rows) == len(known) == 2  # the lot's shopper (Dana, in the file too) and Jane
    assert _tables(db_url) == TABLES
    try:
        migrate.downgrade(db_url, "0015")
        assert _tables(db_url) == set()
        assert _customers(db_url) == rows
        migrate.upgrade(db_url, "0016")
        assert _tables(db_url) == TABLES
    finally:
        migrate.upgrade(db_url)
    assert migrate.drift(db_url) == []
    with store.reading() as uow:
        assert list_ownerships(uow, dealership_id=lot.dealer.id) == []
        assert customers.list_customers(uow, dealership_id=lot.dealer.id) == known
