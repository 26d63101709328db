"""SMS webhook benchmark, in one run:

1. webhook acknowledgement latency p50/p99 while the model takes 10 s per turn (the agent runs
   in the background, so Twilio's 15 s webhook timeout can never be hit; target p99 < 200 ms);
2. inbound SMS throughput with the offline engine (signed webhook -> stored with its turn
   queued -> 200), and end to end until every reply is queued, with the turns answered by a
   separate `nightshift worker` process as deployed for load;
3. the same HTTP load against a bare FastAPI + SQLite insert endpoint (the baseline), and the
   ratio between the two.
Run: `make bench` (or `.venv/bin/python bench/sms_bench.py`).
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from langchain_core.messages import AIMessage  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

import nightshift.runtime as runtime_module  # noqa: E402
from agent.engines import EngineStep  # noqa: E402
from crm_store import migrate, outbox  # noqa: E402
from crm_store.db import Store  # noqa: E402
from nightshift.app import create_app  # noqa: E402
from nightshift.runtime import sync_world_knowledge  # noqa: E402
from nightshift.settings import Settings  # noqa: E402
from nightshift.world import apply_world, load_world_file  # noqa: E402

TOKEN = "bench-auth-token"  # noqa: S105 (a made-up token for a local benchmark)
PUBLIC = "https://dealer.example"
MODELS = ROOT / "var" / "models"
NIGHTSHIFT = str(Path(sys.executable).with_name("nightshift"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(base + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def world(folder: Path) -> Settings:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{folder}/bench.db",
        data_dir=folder,
        twilio_auth_token=TOKEN,
        public_base_url=PUBLIC,
        engine_timeout_seconds=30,
    )
    migrate.upgrade(settings.database_url)
    with runtime_module.open_runtime(settings, models_dir=MODELS) as rt:
        apply_world(rt.store, load_world_file(ROOT / "examples/demo-dealership.yaml"))
        sync_world_knowledge(rt.store, rt.knowledge, "harbor-point-honda")
    return settings


def signed_post(client: httpx.Client, base: str, n: int, body: str) -> float:
    params = {
        "MessageSid": f"SM{n:032d}",
        "AccountSid": "AC" + "0" * 32,
        "From": f"+1805{6000000 + n % 5000:07d}",
        "To": "+18055550100",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/channels/twilio/sms", params)
    began = time.perf_counter()
    response = client.post(
        base + "/channels/twilio/sms", data=params, headers={"X-Twilio-Signature": signature}
    )
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == 200, response.text
    return elapsed


class SlowEngine:
    name = "slow"

    def respond(self, state: Any, ctx: Any) -> EngineStep:
        time.sleep(10)
        return EngineStep(AIMessage(content="Thanks, a team member will follow up."))


def ack_latency(folder: Path, count: int = 200) -> list[float]:
    settings = world(folder)
    original = runtime_module.build_engine
    runtime_module.build_engine = lambda *a, **k: SlowEngine()  # type: ignore[assignment]
    try:
        with serve(create_app(settings, models_dir=MODELS)) as base, httpx.Client() as client:
            return [signed_post(client, base, n, "is the tacoma available") for n in range(count)]
    finally:
        runtime_module.build_engine = original


CLIENTS = 8  # concurrent senders, like Twilio delivering many shoppers' texts at once


def post_all(base: str, count: int, body_of: Any) -> list[float]:
    """Post `count` signed webhooks from CLIENTS concurrent connections; ack times in ms."""
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()

    def one(n: int) -> float:
        if not hasattr(local, "client"):
            local.client = httpx.Client()
        return signed_post(local.client, base, n, body_of(n))

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        return list(pool.map(one, range(count)))


@contextmanager
def process(*command: str, env: dict[str, str], health: str | None = None) -> Iterator[None]:
    """A server or worker in its own process (as deployed), stopped with SIGTERM."""
    child = subprocess.Popen(  # noqa: S603 (our own commands)
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(600):
            if health is None:
                break
            try:
                httpx.get(health, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=60)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def end_to_end(folder: Path, count: int = 600) -> tuple[float, float, list[float]]:
    """Our webhook under load, served by `nightshift serve` with the turns answered by a
    separate `nightshift worker` process (NIGHTSHIFT_INLINE_WORKER=false, the deployment for
    load). Returns the inbound rate (every webhook acknowledged: signature checked, message
    stored with its queued turn), the end-to-end rate (until every reply is queued for
    sending) and the ack latencies."""
    settings = world(folder)
    lines = ["any trucks under 40k", "how much is your doc fee", "hi", "do you have a cr-v"]
    (folder / "models").symlink_to(MODELS, target_is_directory=True)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "NIGHTSHIFT_DATA_DIR": str(folder),
        "NIGHTSHIFT_INLINE_WORKER": "false",
        "NIGHTSHIFT_JOB_POLL_SECONDS": "0.1",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": PUBLIC,
        "LOG_LEVEL": "WARNING",
        "ORT_DISABLE_TELEMETRY": "1",
    }
    base = f"http://127.0.0.1:{port}"
    store = Store(settings.database_url)
    try:
        with (
            process(NIGHTSHIFT, "serve", "--port", str(port), env=env, health=base + "/healthz"),
            process(NIGHTSHIFT, "worker", env=env),
        ):
            time.sleep(3)  # the worker has loaded its model
            began = time.perf_counter()
            acks = post_all(base, count, lambda n: lines[n % len(lines)])
            inbound_seconds = time.perf_counter() - began
            while True:
                with store.unit_of_work() as uow:
                    done = outbox.total(uow)
                if done >= count or time.perf_counter() - began > 600:
                    break
                time.sleep(0.05)
            seconds = time.perf_counter() - began
    finally:
        store.dispose()
    return count / inbound_seconds, count / seconds, acks


def bare(folder: Path, count: int = 600) -> tuple[float, list[float]]:
    port = free_port()
    env = {**os.environ, "BARE_DB": str(folder / "bare.db")}
    base = f"http://127.0.0.1:{port}"
    uvicorn_command = (str(Path(sys.executable).with_name("uvicorn")), "bench.bare_app:app")
    command = (*uvicorn_command, "--port", str(port), "--log-level", "warning")
    with process(*command, env=env, health=base + "/healthz"):
        began = time.perf_counter()
        acks = post_all(base, count, lambda n: "hi")
        seconds = time.perf_counter() - began
    return count / seconds, acks


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as a,
        tempfile.TemporaryDirectory() as b,
        tempfile.TemporaryDirectory() as c,
    ):
        slow = ack_latency(Path(a))
        ours_rate, replied_rate, ours_acks = end_to_end(Path(b))
        bare_rate, bare_acks = bare(Path(c))
    print("SMS webhook, demo dealership")
    print(
        f"  ack latency while the model takes 10 s: p50 {statistics.median(slow):6.1f} ms"
        f"   p99 {percentile(slow, 0.99):6.1f} ms   (target p99 < 200 ms)"
    )
    print(
        f"  inbound, {CLIENTS} concurrent senders (signed, stored, turn queued): {ours_rate:6.1f}"
        f" msg/s; ack p95 {percentile(ours_acks, 0.95):6.1f} ms"
    )
    print(
        f"  end to end until every reply is queued (offline engine, one `nightshift worker`"
        f" process): {replied_rate:6.1f} msg/s"
    )
    print(
        f"  bare FastAPI + SQLite insert: {bare_rate:6.1f} msg/s;"
        f" ack p95 {percentile(bare_acks, 0.95):6.1f} ms"
    )
    print(
        f"  ratio ours/bare: throughput {ours_rate / bare_rate:4.2f}x,"
        f" ack p95 {percentile(ours_acks, 0.95) / percentile(bare_acks, 0.95):4.1f}x"
        "   (target: p95 within 5x, >= 200 msg/s)"
    )


if __name__ == "__main__":
    main()
