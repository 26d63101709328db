"""The FastAPI app over real HTTP (uvicorn), on both databases."""

from __future__ import annotations

from pathlib import Path

import httpx

from crm_store import migrate
from crm_store.db import Store
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.helpers import ROOT, live_server


def _settings(url: str, data_dir: Path) -> Settings:
    return Settings(database_url=url, data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]


def test_health_and_inventory_over_http(db_url: str, tmp_path: Path, models_dir: Path) -> None:
    store = Store(db_url)
    apply_world(store, load_world_file(ROOT / "examples" / "demo-dealership.yaml"))
    store.dispose()
    with live_server(_settings(db_url, tmp_path), models_dir) as base:
        health = httpx.get(base + "/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        assert health.json()["database"]["backend"] == Store(db_url).backend

        dealer = httpx.get(base + "/api/dealerships/harbor-point-honda").json()
        assert dealer["timezone"] == "America/Los_Angeles" and dealer["hours"]["sat"]

        available = httpx.get(base + "/api/dealerships/harbor-point-honda/inventory").json()
        assert available and {v["status"] for v in available} == {"available"}
        sold = httpx.get(
            base + "/api/dealerships/harbor-point-honda/inventory", params={"status": "sold"}
        ).json()
        assert sold and {v["status"] for v in sold} == {"sold"}

        missing = httpx.get(base + "/api/dealerships/nowhere-motors")
        assert missing.status_code == 404 and "nowhere-motors" in missing.json()["detail"]
        bad = httpx.get(
            base + "/api/dealerships/harbor-point-honda/inventory", params={"status": "stolen"}
        )
        assert bad.status_code == 422
        assert bad.json()["detail"][0]["loc"] == ["query", "status", 0]


def test_health_reports_an_unmigrated_database(tmp_path: Path, models_dir: Path) -> None:
    url = f"sqlite:///{tmp_path}/empty.db"
    with live_server(_settings(url, tmp_path), models_dir) as base:
        health = httpx.get(base + "/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "degraded" and body["database"]["revision"] is None
    assert "nightshift db upgrade" in body["database"]["error"]
    migrate.upgrade(url)
    with live_server(_settings(url, tmp_path), models_dir) as base:
        assert httpx.get(base + "/healthz").status_code == 200


def test_health_reports_an_unreachable_database(tmp_path: Path, models_dir: Path) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=1"
    with live_server(_settings(url, tmp_path), models_dir) as base:
        health = httpx.get(base + "/healthz", timeout=10)
    assert health.status_code == 503
    assert health.json()["database"]["ok"] is False
    assert "OperationalError" in health.json()["database"]["error"]
