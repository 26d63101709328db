"""Mounting the channel adapters on the app. They are built with the app, before the runtime
opens, so they receive the app's `Services` as their `Inbox`, `Bus` and store: each call
reaches the runtime then (and answers 503 while it is unavailable)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, FastAPI

from crm_store import dealerships
from crm_store.phones import normalise_phone
from nightshift.http import auth
from nightshift.http.services import Services
from nightshift.infra.rate_limits import RateLimits


def dealership_for_number(services: Services) -> Callable[[str], str]:
    """Which dealership a text to `number` is for: the one whose phone it is, else the
    configured default (NIGHTSHIFT_DEALERSHIP), else the first one loaded."""

    def find(number: str) -> str:
        try:
            e164 = normalise_phone(number)
        except ValueError:
            e164 = number
        with services.reading() as uow:
            slug = dealerships.slug_for_phone(uow, phone=e164, default=services.settings.dealership)
        if slug is None:
            raise LookupError(f"{number}: no dealership is loaded")
        return slug

    return find


def mount_channels(app: FastAPI, services: Services, limits: RateLimits | None = None) -> None:
    """Both channel routers; with `limits`, web chat messages are limited per session."""
    from channels.twilio.webhook import twilio_router
    from channels.web.router import web_router

    settings = services.settings
    token = settings.twilio.auth_token
    app.include_router(
        twilio_router(
            inbox=services,
            store=services,
            auth_token=token.get_secret_value() if token is not None else None,
            public_base_url=settings.public_base_url,
            dealership_for=dealership_for_number(services),
        ),
        dependencies=[Depends(auth.public("Twilio webhooks; each checks X-Twilio-Signature"))],
    )
    app.include_router(
        web_router(
            inbox=services,
            bus=services,
            store=services,
            public_base_url=settings.public_base_url,
            message_limit=limits.messages if limits is not None else None,
        ),
        dependencies=[
            Depends(auth.public("the chat widget; a conversation is reached by its session id"))
        ],
    )
