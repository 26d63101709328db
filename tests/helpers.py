"""Helpers for tests that run the real command line and the real HTTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import uvicorn
from fastapi import FastAPI

from contracts.clock import Clock, SystemClock
from crm_store import migrate
from crm_store.db import Store
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.limits import WS_MAX_BYTES
from nightshift.http.services import Services
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, demo_settings

NIGHTSHIFT = str(Path(sys.executable).with_name("nightshift"))
ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, database_url: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ORT_DISABLE_TELEMETRY": "1"}
    return subprocess.run(
        [NIGHTSHIFT, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, timeout: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError as exc:
            last = exc
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last}")


@contextmanager
def live_server(settings: Settings, models_dir: Path | None = None) -> Iterator[str]:
    """The real app served by uvicorn on a free port, in a thread; yields its base URL."""
    with serving(create_app(settings, models_dir=models_dir), free_port()) as base:
        yield base


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """`app` served by uvicorn on `port` in a thread, once /healthz answers (whatever it
    says); yields its base URL (for an app whose settings name its own address)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws_max_size=WS_MAX_BYTES
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)


class OnShift:
    """Real time, moved to a Monday at 10:30 in Ventura, when the demo's salespeople are on
    shift: a served app whose routing ladder must page someone, whatever the hour the test
    runs at (a real clock after 8 p.m. would queue every handoff for the next shift)."""

    def __init__(self) -> None:
        monday = datetime(2026, 3, 9, 10, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
        self._shift: timedelta = monday - SystemClock().now()

    def now(self) -> datetime:
        return SystemClock().now() + self._shift


@contextmanager
def serving_demo(
    folder: Path, models_dir: Path, clock: Clock | None = None, **settings: Any
) -> Iterator[tuple[str, Services]]:
    """The real app over a freshly loaded demo dealership in `folder`, served on a free port
    that its settings name as its public address, on `clock` (default: the real one);
    yields (base URL, the app's Services)."""
    port = free_port()
    ready = demo_settings(folder, public_base_url=f"http://127.0.0.1:{port}", **settings)
    migrate.upgrade(ready.database_url)
    store = Store(ready.database_url)
    apply_world(store, load_world_file(DEMO))
    store.dispose()
    app = create_app(ready, clock=clock, models_dir=models_dir)
    with serving(app, port) as base:
        yield base, services_of(app)
