"""Engines and sessions: the one place that knows how to connect to each backend."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from contracts.clock import Clock, SystemClock
from crm_store.uow import UnitOfWork

BUSY_TIMEOUT_MS = 30000  # how long a statement waits for another process's lock


def normalise_url(url: str | URL) -> URL:
    """Accept `postgres://` and `postgresql://` and pin the psycopg 3 driver."""
    parsed = make_url(str(url).replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_db_engine(
    url: str | URL, *, writers: threading.Lock | None = None, **kwargs: Any
) -> Engine:
    """An engine with the per-backend settings Nightshift relies on.

    SQLite: foreign keys on, WAL journal and a busy timeout so a writer waits instead of
    failing with "database is locked"; the parent folder is created for a file database.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            parsed, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        _begin_immediate(engine, writers)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: this makes
    # SAVEPOINTs work and lets every unit of work start with BEGIN IMMEDIATE (below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY = "nightshift_read_only"


WRITER_WAIT = 30.0
_HOLDS = "nightshift_holds_writers"


def _begin_immediate(engine: Engine, writers: threading.Lock | None) -> None:
    """Take SQLite's write lock at the start of each writing transaction.

    A deferred transaction that reads and then writes can fail at once with SQLITE_BUSY when
    another writer got in between; an immediate one waits (busy_timeout) for its turn, so
    concurrent units of work serialise instead of failing. Read-only units of work begin
    deferred: in WAL mode they neither wait for nor block the writer. With `writers`, this
    process's writers first queue on that lock, held until the transaction ends.
    """

    @sa.event.listens_for(engine, "begin")
    def begin(connection: sa.Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        if writers is not None:
            if not writers.acquire(timeout=WRITER_WAIT):
                raise TimeoutError(f"the database stayed locked for {WRITER_WAIT:.0f} s")
            connection.info[_HOLDS] = True
        try:
            _take_write_lock(connection.connection.dbapi_connection)
        except BaseException:
            release(connection)
            raise

    def release(connection: sa.Connection) -> None:
        if writers is not None and connection.info.pop(_HOLDS, False):
            writers.release()

    sa.event.listen(engine, "commit", release)
    sa.event.listen(engine, "rollback", release)


def _take_write_lock(raw: Any) -> None:
    """BEGIN IMMEDIATE, retried every 0.5-5 ms while another process holds the write lock.

    SQLite's own busy handler sleeps in steps of up to 100 ms, so a webhook that meets the
    worker's short write waited up to 100 ms for a lock free after 2; polling in short steps
    keeps that wait near the lock's real hold time. Other statements keep the busy timeout.
    """
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        pause = 0.0005
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.005)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


class Store:
    """The CRM store: one engine, and units of work on it.

    >>> store = Store("sqlite:///var/nightshift.db")
    >>> with store.unit_of_work() as uow:
    ...     dealership = dealerships.get_by_slug(uow, slug="harbor-point-honda")
    """

    def __init__(self, url: str | URL, *, clock: Clock | None = None, echo: bool = False) -> None:
        self.url = normalise_url(url)
        # SQLite has one writer at a time: this process's writing transactions queue on a
        # lock, in order, instead of on SQLite's busy handler, which polls with sleeps of up
        # to 100 ms (the tail latency of every webhook under load). Other processes (a
        # separate worker) still meet the busy handler.
        self.engine = create_db_engine(self.url, echo=echo, writers=threading.Lock())
        self.clock: Clock = clock or SystemClock()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    def unit_of_work(self, clock: Clock | None = None) -> UnitOfWork:
        return UnitOfWork(self._sessions, clock or self.clock)

    def reading(self) -> UnitOfWork:
        """A unit of work for reads only: on SQLite it does not take the write lock, so
        many can run beside a writer. (Writing in it still works, without that queueing.)"""
        return UnitOfWork(self._readers, self.clock)

    def session(self) -> Session:
        return self._sessions()

    def ping(self) -> None:
        """Raise if the database cannot be reached."""
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
