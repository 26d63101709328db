"""The `nightshift` command line, run as a newcomer runs it, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from crm_store import migrate
from crm_store.db import create_db_engine
from crm_store.models import Base
from tests.helpers import NIGHTSHIFT, ROOT, free_port, run_cli, wait_for

DEMO = ROOT / "examples" / "demo-dealership.yaml"


def _snapshot(url: str) -> dict[str, list[Any]]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: [
                    tuple(row)
                    for row in conn.execute(sa.select(table).order_by(*table.primary_key))
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def test_help_lists_every_command() -> None:
    result = run_cli("--help", database_url="sqlite://")
    assert result.returncode == 0
    for command in ("serve", "db", "load-world"):
        assert command in result.stdout
    db_help = run_cli("db", "--help", database_url="sqlite://")
    for command in ("upgrade", "downgrade", "current", "check"):
        assert command in db_help.stdout


def test_upgrade_and_load_demo_honour_database_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh/nightshift.db"
    upgraded = run_cli("db", "upgrade", database_url=url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"database at revision {migrate.head_revision()}" in upgraded.stdout
    loaded = run_cli("load-world", str(DEMO), database_url=url)
    assert loaded.returncode == 0, loaded.stderr
    assert "Harbor Point Honda (harbor-point-honda): 46 vehicles" in loaded.stdout
    assert run_cli("db", "check", database_url=url).returncode == 0


def test_bad_world_exits_2_names_every_problem_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    assert run_cli("load-world", str(DEMO), database_url=db_url).returncode == 0
    before = _snapshot(db_url)
    text = DEMO.read_text()
    text = text.replace("timezone: America/Los_Angeles", "timezone: Pacific/Nowhere", 1)
    text = text.replace(
        "  test_drive_minutes: 30", "  test_drive_minutes: 30\n  slogan: best deals", 1
    )
    second = text.index("\n  - stock: ", text.index("\n  - stock: ") + 1)
    first_stock = text.split("\n  - stock: ", 1)[1].split("\n", 1)[0]
    second_stock = text[second:].split("\n  - stock: ", 1)[1].split("\n", 1)[0]
    text = text.replace(f"- stock: {second_stock}\n", f"- stock: {first_stock}\n", 1)
    text = text.replace("price: ", "price: 9", 1)  # still a number: changes must not land
    bad = tmp_path / "bad-dealership.yaml"
    bad.write_text(text)

    result = run_cli("load-world", str(bad), database_url=db_url)

    assert result.returncode == 2
    err = result.stderr
    assert f"{bad}:" in err
    assert "dealership.slogan: unknown key 'slogan'" in err
    assert "dealership.timezone: 'Pacific/Nowhere' is not an IANA timezone" in err
    assert f"inventory[1].stock: duplicate stock number '{first_stock}'" in err
    assert "nothing was written" in err
    assert "Traceback" not in err
    assert _snapshot(db_url) == before


def test_bad_setting_is_named(tmp_path: Path) -> None:
    import os
    import subprocess

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "NIGHTSHIFT_ENGINE": "gpt9"}
    result = subprocess.run(
        [NIGHTSHIFT, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "NIGHTSHIFT_ENGINE" in result.stderr and "'gpt9'" in result.stderr


def test_serve_answers_health_docs_and_demo(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess

    url = f"sqlite:///{tmp_path}/nightshift.db"
    assert run_cli("db", "upgrade", database_url=url).returncode == 0
    assert run_cli("load-world", str(DEMO), database_url=url).returncode == 0
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen(
        [NIGHTSHIFT, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        head = migrate.head_revision()
        health = wait_for(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
        assert health.json()["database"] == {
            "ok": True,
            "backend": "sqlite",
            "revision": head,
            "head": head,
            "error": None,
        }
        docs = wait_for(f"http://127.0.0.1:{port}/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        home = wait_for(f"http://127.0.0.1:{port}/")
        assert "Harbor Point Honda" in home.text
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
