"""Migrations go up and down on both databases, and agree with the models."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store import migrate
from crm_store.db import create_db_engine
from crm_store.models import Base


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_head_matches_the_models(db_url: str) -> None:
    assert migrate.current_revision(db_url) == migrate.head_revision()
    assert migrate.drift(db_url) == []
    assert _tables(db_url) == set(Base.metadata.tables)


def test_downgrade_to_base_and_up_again(db_url: str) -> None:
    migrate.downgrade(db_url, "base")
    assert _tables(db_url) == set()
    assert migrate.current_revision(db_url) is None
    migrate.upgrade(db_url)
    assert _tables(db_url) == set(Base.metadata.tables)
    assert migrate.drift(db_url) == []
