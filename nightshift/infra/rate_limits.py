"""Request rate limits: per client IP on the HTTP API and the web chat, per widget session on
chat messages.

A fixed window per key: the first event of a key opens a window of `window` seconds; past
`limit` events in it, events are refused until it ends, and the caller is told how long that
is (HTTP 429 with `Retry-After`, a WebSocket error frame). With `REDIS_URL` the count lives
in Redis (INCR and PEXPIRE in one Lua script), so every web worker shares it; otherwise in
this process. Twilio webhooks are never limited here (Twilio would retry or drop a refused
one): extra texts from one phone are stored, and the pipeline's reply cap decides what gets
an answer (see `nightshift.conversation.bursts`).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from contracts.limits import Limiter
from nightshift.infra import logs
from nightshift.settings import Settings

log = logging.getLogger("nightshift.rate_limits")
LIMITED_PATHS = ("/api/", "/channels/web/")  # the web chat and the site tag's door too
MINUTE = 60.0
POLICY_VIOLATION = 1008
_MAX_KEYS = 100_000  # in-process windows kept before the expired ones are swept

# KEYS[1]: the counter; ARGV[1]: the window in ms. Returns {count, ms left in the window}.
_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class LocalLimiter:
    """Windows counted in this process (one web process, tests); thread-safe."""

    def __init__(
        self, limit: int, window: float, *, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._now = now
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str) -> float:
        if self.limit <= 0:
            return 0.0
        with self._lock:
            now = self._now()
            start, count = self._windows.get(key, (now, 0))
            if now - start >= self.window:
                start, count = now, 0
            self._windows[key] = (start, count + 1)
            if len(self._windows) > _MAX_KEYS:
                self._sweep(now)
        return 0.0 if count < self.limit else max(start + self.window - now, 0.001)

    def _sweep(self, now: float) -> None:
        for key in [k for k, (start, _) in self._windows.items() if now - start >= self.window]:
            del self._windows[key]


class RedisLimiter:
    """Windows counted in Redis, shared by every process using the same `prefix`. If Redis
    cannot be reached the event is let through (and logged): a broken counter must not take
    the chat down."""

    def __init__(self, client: Any, limit: int, window: float, *, prefix: str) -> None:
        self.limit = limit
        self.window = window
        self.prefix = prefix
        self._script = client.register_script(_SCRIPT)

    def hit(self, key: str) -> float:
        if self.limit <= 0:
            return 0.0
        import redis

        try:
            count, ttl = self._script(
                keys=[self.prefix + key], args=[max(int(self.window * 1000), 1)]
            )
        except redis.RedisError as exc:
            logs.event(log, "rate_limit_unavailable", level=logging.WARNING, error=repr(exc))
            return 0.0
        return 0.0 if int(count) <= self.limit else max(int(ttl), 1) / 1000


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The limiters of one app: `requests` per client IP per minute (HTTP API and web chat
    routes), `messages` per web chat session per minute."""

    requests: Limiter
    messages: Limiter


def build_rate_limits(settings: Settings) -> RateLimits:
    if settings.redis_url:
        import redis

        client = redis.Redis.from_url(settings.redis_url)
        prefix = "nightshift:rate:"
        return RateLimits(
            RedisLimiter(client, settings.rate_limit_per_minute, MINUTE, prefix=prefix + "ip:"),
            RedisLimiter(client, settings.web_messages_per_minute, MINUTE, prefix=prefix + "web:"),
        )
    return RateLimits(
        LocalLimiter(settings.rate_limit_per_minute, MINUTE),
        LocalLimiter(settings.web_messages_per_minute, MINUTE),
    )


def install(app: FastAPI, settings: Settings) -> RateLimits:
    """Build the app's limiters, limit its requests per client IP, and return them (the web
    chat's socket limits its messages with `messages`)."""
    limits = build_rate_limits(settings)
    app.add_middleware(
        RequestRateLimit, limiter=limits.requests, per_minute=settings.rate_limit_per_minute
    )
    return limits


def retry_after(wait: float) -> int:
    """Whole seconds for a `Retry-After` header (at least 1)."""
    return max(1, math.ceil(wait))


class RequestRateLimit:
    """Pure ASGI middleware: requests to `LIMITED_PATHS` over the client IP's limit get a
    429 with `Retry-After` and a JSON error (a WebSocket handshake is refused); other paths,
    Twilio's webhooks among them, pass untouched."""

    def __init__(self, app: ASGIApp, *, limiter: Limiter, per_minute: int) -> None:
        self.app = app
        self.limiter = limiter
        self.per_minute = per_minute
        self._inline = isinstance(limiter, LocalLimiter)  # no I/O: no worker thread needed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] not in ("http", "websocket") or not path.startswith(LIMITED_PATHS):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = f"ip:{client[0] if client else 'unknown'}"
        wait = (
            self.limiter.hit(key)
            if self._inline
            else await run_in_threadpool(self.limiter.hit, key)
        )
        if not wait:
            await self.app(scope, receive, send)
            return
        seconds = retry_after(wait)
        logs.event(log, "rate_limited_request", path=path, retry_after=seconds)
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": POLICY_VIOLATION})
            return
        detail = (
            f"rate: more than {self.per_minute} requests a minute from this address; "
            f"retry in {seconds} s"
        )
        response = JSONResponse(
            {"detail": detail}, status_code=429, headers={"Retry-After": str(seconds)}
        )
        await response(scope, receive, send)
