"""LangGraph checkpointers: SQLite saver beside a SQLite store, Postgres saver with PostgreSQL.

A conversation's graph state is saved under thread id = conversation id, so it survives a
restart of the process.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from crm_store.db import normalise_url

SCHEMA = "langgraph"


@contextmanager
def open_checkpointer(database_url: str) -> Iterator[BaseCheckpointSaver[str]]:
    url = normalise_url(database_url)
    if url.get_backend_name() == "postgresql":
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        # The checkpoints live in their own schema, apart from the CRM tables Alembic manages.
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        with ConnectionPool(
            conninfo,
            min_size=1,
            max_size=8,
            kwargs={
                "autocommit": True,
                "prepare_threshold": 0,
                "row_factory": dict_row,
                "options": f"-c search_path={SCHEMA}",
            },
        ) as pool:
            postgres = PostgresSaver(pool)  # type: ignore[arg-type]
            postgres.setup()
            yield postgres
        return
    path = checkpoint_path(url.database)
    connection = sqlite3.connect(path, check_same_thread=False, timeout=30)
    try:
        saver = SqliteSaver(connection)
        saver.setup()
        yield saver
    finally:
        connection.close()


def checkpoint_path(database: str | None) -> str:
    """The checkpoint file sits beside the SQLite database (`x.db` -> `x.checkpoints.db`)."""
    if not database or database == ":memory:":
        return ":memory:"
    path = Path(database)
    return str(path.with_name(path.stem + ".checkpoints" + (path.suffix or ".db")))
