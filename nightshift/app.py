"""The app factory: `create_app(settings)` builds everything inside the FastAPI lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from contracts.clock import Clock
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from nightshift import api, logs
from nightshift.settings import Settings

log = logging.getLogger("nightshift.app")


def create_app(settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """A FastAPI app for `settings`; tests build their own with their own settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.database_url, clock=clock)
        app.state.settings = settings
        app.state.store = store
        logs.event(log, "app_started", backend=store.backend, engine=settings.engine)
        try:
            yield
        finally:
            store.dispose()

    app = FastAPI(
        title="Nightshift",
        summary="AI assistant for car dealerships: SMS and web chat, test drives, handoffs.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidValue)
    async def invalid(_request: Request, exc: InvalidValue) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": [exc.field], "msg": str(exc), "expected": exc.expected}]},
            status_code=422,
        )

    app.include_router(api.router)
    return app
