"""Alembic environment: the URL comes from `crm_store.migrate.alembic_config`."""

from __future__ import annotations

from alembic import context

from crm_store.db import create_db_engine
from crm_store.migrate import ours
from crm_store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set; use crm_store.migrate")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                include_name=ours,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


run_migrations()
