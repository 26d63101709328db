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
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A batch migration rebuilds a table (copy, drop, rename); with foreign keys
                # on, dropping it would cascade-delete every row that refers to it (0014's
                # downgrade emptied the conversations). SQLite's documented procedure for
                # such a change: keys off (outside any transaction), then check them.
                cursor = connection.connection.cursor()
                cursor.execute("PRAGMA foreign_keys=OFF")
                cursor.close()
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                compare_type=True,
                include_name=ours,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        engine.dispose()


run_migrations()
