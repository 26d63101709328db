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
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from nightshift.app import create_app
from nightshift.http.limits import WS_MAX_BYTES
from nightshift.settings import Settings

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
