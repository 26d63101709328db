"""Migration 0017: the outreach tables and `customers.timezone` come with it and go with its
downgrade to 0016, which keeps every customer row; upgrading again brings them back (empty
tables, NULL time zones) and the models agree with the schema; on both backends. Migration
0018: an attempt's vehicle and the `vehicle_gone` reason, the same way."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store import customers, migrate, outreach
from crm_store.db import Store, create_db_engine
from crm_store.outreach import AttemptReason, CampaignKind
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


def _attempt_columns(url: str) -> tuple[set[str], list[tuple[str | None, int | None]]]:
    """(outreach_attempts' columns, each attempt's (reason, vehicle_id or None))."""
    engine = create_db_engine(url)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("outreach_attempts")}
        picked = "reason, vehicle_id" if "vehicle_id" in columns else "reason, NULL"
        with engine.connect() as conn:
            rows = conn.execute(sa.text(f"SELECT {picked} FROM outreach_attempts ORDER BY id"))
            return columns, [(r, v) for r, v in rows]
    finally:
        engine.dispose()


def test_0018_adds_the_attempts_vehicle_and_vehicle_gone(store: Store, db_url: str) -> None:
    lot = make_lot(store)
    with store.unit_of_work() as uow:
        campaign = outreach.create_campaign(
            uow,
            dealership_id=lot.dealer.id,
            kind=CampaignKind.PRICE_DROP,
            name="drops",
            template="{vehicle} is now {price}",
            created_by="test",
        )
        outreach.add_attempt(
            uow,
            campaign_id=campaign.id,
            dealership_id=lot.dealer.id,
            customer_id=lot.shopper.id,
            send_at=None,
            reason=AttemptReason.VEHICLE_GONE,
            vehicle_id=lot.car.id,
        )
    columns, rows = _attempt_columns(db_url)
    assert "vehicle_id" in columns and rows == [("vehicle_gone", lot.car.id)]
    try:
        migrate.downgrade(db_url, "0017")
        columns, rows = _attempt_columns(db_url)
        # 0017 knows no `vehicle_gone`: the attempt stays suppressed under the nearest reason
        assert "vehicle_id" not in columns and rows == [("cap", None)]
        migrate.upgrade(db_url, "0018")
        assert _attempt_columns(db_url) == (columns | {"vehicle_id"}, [("cap", None)])
    finally:
        migrate.upgrade(db_url)
    assert migrate.drift(db_url) == []
    with store.unit_of_work() as uow:  # the widened reason is accepted again
        outreach.suppress(uow, attempt_id=1, reason=AttemptReason.VEHICLE_GONE)
    assert _attempt_columns(db_url)[1] == [("vehicle_gone", None)]
