"""Request rate limits over the real app: 429 with Retry-After per client IP on the API and the
web chat, an error frame per widget session on the WebSocket, Twilio always answered 200;
and the Redis-backed count shared by every worker (real Redis at 127.0.0.1:6379)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.websockets import WebSocketDisconnect

from contracts.clock import FrozenClock
from crm_store import jobs
from crm_store.db import Store
from crm_store.models import Message
from nightshift.app import create_app
from nightshift.conversation.turns import INBOUND_JOB
from nightshift.http.deps import services_of
from nightshift.infra.rate_limits import LocalLimiter, RedisLimiter, build_rate_limits
from nightshift.settings import Settings
from tests.channels.conftest_twilio import AUTH_TOKEN, PUBLIC, SMS_PATH, signed_post, sms_form
from tests.demo import SLUG
from tests.security.conftest import next_frame, prepare_demo

HISTORY = f"/channels/web/{SLUG}/history"
WS = f"/channels/web/{SLUG}/ws"
REDIS_URL = "redis://127.0.0.1:6379/0"


def _app(tmp_path: Path, models_dir: Path, clock: FrozenClock, **limits: object) -> TestClient:
    settings = prepare_demo(
        tmp_path,
        models_dir,
        clock,
        inline_worker=False,  # nothing answered: what a request stored stays visible
        twilio_auth_token=SecretStr(AUTH_TOKEN),
        public_base_url=PUBLIC,
        **limits,
    )
    return TestClient(create_app(settings, clock=clock, models_dir=models_dir))


def _stored_messages(settings: Settings) -> int:
    store = Store(settings.database_url)
    try:
        with store.reading() as uow:
            return int(uow.session.scalar(sa.select(sa.func.count(Message.id))) or 0)
    finally:
        store.dispose()


def test_an_address_over_its_rate_gets_429_with_retry_after(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    with _app(tmp_path, models_dir, clock, rate_limit_per_minute=3) as client:
        answers = [client.get(HISTORY, params={"session": "s-rate"}) for _ in range(3)]
        over = client.get(HISTORY, params={"session": "s-rate"})
        api = client.get("/api/dealerships")  # the API shares the address's count
        with pytest.raises(WebSocketDisconnect) as refused:  # so does a chat handshake
            client.websocket_connect(f"{WS}?session=s-rate").__enter__()
        health = client.get("/healthz")  # not a limited route
        other = TestClient(client.app, client=("203.0.113.7", 40000))
        elsewhere = other.get(HISTORY, params={"session": "s-other"})
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert over.status_code == 429 and api.status_code == 429
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.headers["content-type"].startswith("application/json")
    assert "more than 3 requests a minute" in over.json()["detail"]
    assert refused.value.code == 1008
    assert health.status_code == 200
    assert elsewhere.status_code == 200  # the limit is per address


def test_twilio_webhooks_are_always_200_and_every_text_is_stored(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    with _app(tmp_path, models_dir, clock, rate_limit_per_minute=2) as client:
        answers = [
            signed_post(client, SMS_PATH, sms_form(f"text {i}", "SM" + f"{i:032d}"))
            for i in range(6)
        ]
        api = [client.get("/api/dealerships").status_code for _ in range(3)]
        settings = services_of(client.app).settings
        store = Store(settings.database_url)
        with store.reading() as uow:
            received = jobs.pending(uow, kinds=[INBOUND_JOB])
        store.dispose()
    assert [a.status_code for a in answers] == [200] * 6
    assert len(received) == 6  # stored; the reply cap decides what is answered
    assert api[-1] == 429  # the same address is limited on the API meanwhile


def test_a_chat_session_over_its_rate_gets_an_error_frame_and_nothing_is_stored(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    with _app(tmp_path, models_dir, clock, web_messages_per_minute=2) as client:
        settings = services_of(client.app).settings
        with client.websocket_connect(f"{WS}?session=s-flood") as ws:
            assert next_frame(ws)["type"] == "hello"
            frames = []
            for index in range(3):
                ws.send_json({"type": "message", "id": f"m{index}", "text": f"hello {index}"})
                frames.append(next_frame(ws))
        with client.websocket_connect(f"{WS}?session=s-calm") as ws:  # another session
            next_frame(ws)
            ws.send_json({"type": "message", "id": "m0", "text": "hello"})
            calm = next_frame(ws)
    assert [f["type"] for f in frames] == ["ack", "ack", "error"]
    error = frames[2]
    assert error["field"] == "rate" and error["id"] == "m2"
    assert "too many messages" in error["message"] and "retry in" in error["message"]
    assert calm["type"] == "ack"
    assert _stored_messages(settings) == 3  # two of s-flood, one of s-calm


def test_the_local_limiter_opens_a_new_window_when_the_old_one_ends() -> None:
    now = [100.0]
    limiter = LocalLimiter(2, 60.0, now=lambda: now[0])
    assert [limiter.hit("a"), limiter.hit("a")] == [0.0, 0.0]
    now[0] += 15.0
    assert limiter.hit("a") == pytest.approx(45.0)  # refused until the window ends
    assert limiter.hit("b") == 0.0  # per key
    now[0] += 45.0
    assert limiter.hit("a") == 0.0
    assert LocalLimiter(0, 60.0).hit("a") == 0.0  # 0: no limit


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the real Redis, deleted afterwards."""
    prefix = f"nightshift-test:{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_two_redis_limiters_share_one_count(redis_prefix: str) -> None:
    """Two web workers, two clients: the limit holds for the sum of what both let through."""
    first_client, second_client = redis.Redis.from_url(REDIS_URL), redis.Redis.from_url(REDIS_URL)
    try:
        first = RedisLimiter(first_client, 3, 60.0, prefix=redis_prefix)
        second = RedisLimiter(second_client, 3, 60.0, prefix=redis_prefix)
        waits = [first.hit("ip:198.51.100.4"), second.hit("ip:198.51.100.4")]
        waits += [first.hit("ip:198.51.100.4"), second.hit("ip:198.51.100.4")]
        assert waits[:3] == [0.0, 0.0, 0.0]
        assert 0 < waits[3] <= 60.0  # the fourth, on either worker, is refused
        assert first.hit("ip:198.51.100.5") == 0.0  # another address has its own count
        ttl = first_client.pttl(redis_prefix + "ip:198.51.100.4")
        assert 0 < ttl <= 60_000  # the window expires by itself
    finally:
        first_client.close()
        second_client.close()


def test_with_redis_url_the_app_counts_in_redis(tmp_path: Path) -> None:
    session = f"s-{uuid.uuid4().hex}"
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/unused.db",
        redis_url=REDIS_URL,
        web_messages_per_minute=2,
    )
    workers = [build_rate_limits(settings), build_rate_limits(settings)]
    try:
        waits = [workers[i % 2].messages.hit(f"{SLUG}:{session}") for i in range(3)]
        assert waits[:2] == [0.0, 0.0] and waits[2] > 0
        assert all(isinstance(w.requests, RedisLimiter) for w in workers)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        client.delete(f"nightshift:rate:web:{SLUG}:{session}")
        client.close()
