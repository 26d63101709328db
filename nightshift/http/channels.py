"""Mounting the channel adapters on the app. Routers are built when the app is created, the
runtime only in its lifespan, so the adapters get thin stand-ins that look the runtime up on
each call (and answer 503 while it is unavailable)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, FastAPI

from contracts.messages import Accepted, InboundMessage
from crm_store import dealerships
from crm_store.phones import normalise_phone
from crm_store.uow import UnitOfWork
from nightshift.http import auth
from nightshift.infra.rate_limits import RateLimits
from nightshift.runtime import Runtime
from nightshift.settings import Settings


class RuntimeUnavailable(RuntimeError):
    """The assistant could not start (see /healthz); conversation endpoints answer 503."""


class _Late:
    def __init__(self, app: FastAPI) -> None:
        self._app = app

    def runtime(self) -> Runtime:
        runtime: Runtime | None = getattr(self._app.state, "runtime", None)
        if runtime is None:
            raise RuntimeUnavailable("the assistant is not available; see /healthz")
        return runtime


class LateInbox(_Late):
    def accept(self, inbound: InboundMessage) -> Accepted:
        return self.runtime().pipeline.accept(inbound)

    def process_later(self, accepted: Accepted) -> None:
        self.runtime().pipeline.process_later(accepted)

    def receive(self, inbound: InboundMessage) -> bool:
        return self.runtime().pipeline.receive(inbound)


class LateStore(_Late):
    def unit_of_work(self) -> UnitOfWork:
        return self.runtime().store.unit_of_work()

    def reading(self) -> UnitOfWork:
        return self.runtime().store.reading()


class LateBus(_Late):
    def publish(self, topic: str, event: dict[str, Any]) -> None:
        self.runtime().bus.publish(topic, event)

    def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        return self.runtime().bus.subscribe(topic)


def dealership_for_number(app: FastAPI, settings: Settings) -> Any:
    """Which dealership a text to `number` is for: the one whose phone it is, else the
    configured default (NIGHTSHIFT_DEALERSHIP), else the first one loaded."""

    def find(number: str) -> str:
        try:
            e164 = normalise_phone(number)
        except ValueError:
            e164 = number
        with LateStore(app).reading() as uow:
            slug = dealerships.slug_for_phone(uow, phone=e164, default=settings.dealership)
        if slug is None:
            raise LookupError(f"{number}: no dealership is loaded")
        return slug

    return find


def mount_channels(app: FastAPI, settings: Settings, limits: RateLimits | None = None) -> None:
    """Both channel routers; with `limits`, web chat messages are limited per session."""
    from channels.twilio.webhook import twilio_router
    from channels.web.router import web_router

    inbox, store, bus = LateInbox(app), LateStore(app), LateBus(app)
    app.include_router(
        twilio_router(
            inbox=inbox,
            store=store,
            auth_token=(
                settings.twilio_auth_token.get_secret_value()
                if settings.twilio_auth_token
                else None
            ),
            public_base_url=settings.public_base_url,
            dealership_for=dealership_for_number(app, settings),
        ),
        dependencies=[Depends(auth.public("Twilio webhooks; each checks X-Twilio-Signature"))],
    )
    app.include_router(
        web_router(
            inbox=inbox,
            bus=bus,
            store=store,
            public_base_url=settings.public_base_url,
            message_limit=limits.messages if limits is not None else None,
        ),
        dependencies=[
            Depends(auth.public("the chat widget; a conversation is reached by its session id"))
        ],
    )
