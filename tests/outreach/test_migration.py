"""Migration 0017: the outreach tables and `customers.timezone` come with it and go with its
downgrade to 0016, which keeps every customer row; upgrading again brings them back (empty
tables, NULL time zones) and the models agree with the schema; on both backends."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store import customers, migrate, outreach
from crm_store.db import Store, create_db_engine
from crm_store.outreach import CampaignKind
from tests.factories import make_lot

TABLES = {"campaigns", "outreach_attempts"}


def _schema(url: str) -> tuple[set[str], bool, int]:
    """(outreach tables present, whether customers has `timezone`, customer rows)."""
    engine = create_db_engine(url)
    try:
        inspect = sa.inspect(engine)
        columns = {c["name"] for c in inspect.get_columns("customers")}
        with engine.connect() as conn:
            count = conn.scalar(sa.text("SELECT count(*) FROM customers"))
        return set(inspect.get_table_names()) & TABLES, "timezone" in columns, int(count or 0)
    finally:
        engine.dispose()


def test_0017_adds_outreach_and_its_downgrade_keeps_customers(store: Store, db_url: str) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        outreach.set_timezone(uow, customer_id=lot.shopper.id, timezone="America/New_York")
        outreach.create_campaign(
            uow,
            dealership_id=lot.dealer.id,
            kind=CampaignKind.NO_SHOW,
            name="no-shows",
            template="We missed you",
            created_by="test",
        )
    assert _schema(db_url) == (TABLES, True, 1)
    try:
        migrate.downgrade(db_url, "0016")
        assert _schema(db_url) == (set(), False, 1)
        migrate.upgrade(db_url, "0017")
        assert _schema(db_url) == (TABLES, True, 1)
    finally:
        migrate.upgrade(db_url)
    assert migrate.drift(db_url) == []
    with store.reading() as uow:
        assert customers.get_customer(uow, customer_id=lot.shopper.id).phone == lot.shopper.phone
        [person] = outreach.recipients(uow, customer_ids=[lot.shopper.id])
        assert person.timezone is None  # the column came back empty
