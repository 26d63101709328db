"""Fixtures: a fresh, migrated store per test on SQLite and on PostgreSQL.

PostgreSQL runs on 127.0.0.1:5432 (trust auth, user postgres) on every developer and CI
machine; each test run creates its own database and drops it at the end. When it cannot be
reached the PostgreSQL variants are skipped, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import sqlalchemy as sa

from contracts.clock import FrozenClock
from crm_store import migrate
from crm_store.db import Store
from crm_store.models import Base
from nightshift.infra.checkpoints import SCHEMA as CHECKPOINT_SCHEMA
from nightshift.runtime import Runtime
from tests.demo import demo_runtime

PG_ADMIN = os.environ.get("NIGHTSHIFT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")
_ran: dict[str, int] = {"sqlite": 0, "postgresql": 0}


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def pytest_report_header() -> str:
    problem = _pg_reachable()
    pg = "reachable" if problem is None else f"UNREACHABLE ({problem})"
    return f"store backends: sqlite (temp files), postgresql at {PG_ADMIN}: {pg}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(
        "store tests run per backend: "
        + ", ".join(f"{name}={count}" for name, count in _ran.items())
    )


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped at the end."""
    problem = _pg_reachable()
    if problem is not None:
        message = f"PostgreSQL at {PG_ADMIN} is unreachable: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    name = f"nightshift_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_migrated(pg_url: str) -> str:
    migrate.upgrade(pg_url)
    return pg_url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding-model cache for the whole run (the ONNX export happens once)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def runtime(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[Runtime]:
    """The real runtime over a fresh copy of the demo dealership (see tests/demo.py)."""
    with demo_runtime(tmp_path, clock, models_dir) as rt:
        yield rt


@pytest.fixture
def clock() -> FrozenClock:
    """Friday 2026-03-06 21:40 in Ventura, CA: after hours, like the EVAL_FORMAT example."""
    return FrozenClock(datetime(2026, 3, 6, 21, 40, tzinfo=ZoneInfo("America/Los_Angeles")))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database URL on each backend; the test's data is gone afterwards."""
    backend: str = request.param
    if backend == "sqlite":
        path = tmp_path / "nightshift.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        _ran[backend] += 1
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("pg_migrated")
    _ran[backend] += 1
    yield url
    _truncate_all(url)


@pytest.fixture
def store(db_url: str, clock: FrozenClock) -> Iterator[Store]:
    store = Store(db_url, clock=clock)
    yield store
    store.dispose()


def _truncate_all(url: str) -> None:
    """Empty every CRM table and the LangGraph checkpoints (their own schema): ids start
    again at 1, so a later test's conversation 1 must not inherit this one's dialogue state."""
    engine = sa.create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        saved = conn.scalars(
            sa.text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :schema"
                " AND table_name <> 'checkpoint_migrations'"
            ),
            {"schema": CHECKPOINT_SCHEMA},
        ).all()
        if saved:
            names = ", ".join(f'{CHECKPOINT_SCHEMA}."{name}"' for name in saved)
            conn.execute(sa.text(f"TRUNCATE {names}"))
    engine.dispose()
