"""The app factory: `create_app(settings)` builds everything inside the FastAPI lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from contracts.clock import Clock
from crm_store.db import Store
from crm_store.errors import InvalidValue, NotFound
from handoff.staff_messages import ShopperOptedOut
from nightshift.http import (
    appointments,
    calendar,
    console_alerts,
    console_auth,
    console_canned,
    console_customers,
    console_inbox,
    console_kpis,
    console_live,
    console_pages,
    console_review,
    console_static,
    dealerships,
    events,
    handoffs,
    home,
    imports,
    inventory,
    site_signals,
    staff,
    staff_alerts,
)
from nightshift.http.auth import Forbidden, Unauthenticated
from nightshift.http.channels import mount_channels
from nightshift.http.input_guard import InputGuard
from nightshift.http.limits import BodyLimit
from nightshift.http.services import RuntimeUnavailable, Services
from nightshift.http.sign_in_limits import build_sign_in_limits
from nightshift.infra import logs
from nightshift.infra.rate_limits import install as install_rate_limits
from nightshift.runtime import open_runtime
from nightshift.settings import Settings

log = logging.getLogger("nightshift.app")


def create_app(
    settings: Settings, *, clock: Clock | None = None, models_dir: Path | None = None
) -> FastAPI:
    """A FastAPI app for `settings`; tests build their own with their own settings.

    The runtime (store, engine, graph, pipeline, outbox worker) is opened in the lifespan and
    closed on shutdown, after running turns have stopped. Routes and channel adapters reach it
    through the app's one `Services`, made here before them and filled by the lifespan.
    """

    services = Services(settings, sign_in_limits=build_sign_in_limits(settings))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        logs.install_uvicorn_redaction()  # no link signature or token in request lines
        with ExitStack() as stack:
            try:
                runtime = stack.enter_context(
                    open_runtime(
                        settings,
                        clock=clock,
                        models_dir=models_dir,
                        start_workers=settings.inline_worker,
                    )
                )
            except Exception as exc:
                # Keep serving /healthz (it says what is wrong) instead of refusing to start.
                logs.event(log, "app_degraded", level=logging.ERROR, error=repr(exc)[:300])
                services.degrade(stack.enter_context(_disposing(Store(settings.database_url))))
            else:
                services.start(runtime)
            logs.event(log, "app_started", backend=services.store.backend, engine=settings.engine)
            yield

    app = FastAPI(
        title="Nightshift",
        summary="AI assistant for car dealerships: SMS and web chat, test drives, handoffs.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.services = services  # read by `nightshift.http.deps.services_of` only

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidValue)
    async def invalid(_request: Request, exc: InvalidValue) -> JSONResponse:
        return JSONResponse(
            {"detail": [{"loc": [exc.field], "msg": str(exc), "expected": exc.expected}]},
            status_code=422,
        )

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_request: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(ShopperOptedOut)
    async def opted_out(_request: Request, exc: ShopperOptedOut) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @app.exception_handler(RuntimeUnavailable)
    async def unavailable(_request: Request, exc: RuntimeUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    console_pages.install_handlers(app)  # sign in first, not allowed, too many attempts

    app.add_middleware(InputGuard)  # text no database can store: 422 naming the field
    app.add_middleware(  # 413, before InputGuard; a batch of shopper events may be larger
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        larger={"/api/events": events.EVENTS_MAX_BYTES, **imports.LARGER},
    )
    app.include_router(home.router)
    app.include_router(dealerships.router)
    mount_channels(app, services, install_rate_limits(app, settings))  # 429 per IP, session
    app.include_router(staff.router)
    app.include_router(appointments.router)
    app.include_router(events.router)
    app.include_router(imports.router)
    app.include_router(inventory.router)
    app.include_router(site_signals.router)  # public: the dealer-site tag
    app.include_router(calendar.router)
    app.include_router(handoffs.page_router)
    app.include_router(handoffs.router)
    app.include_router(staff_alerts.page_router)
    app.include_router(staff_alerts.router)
    app.include_router(console_auth.router)
    app.include_router(console_inbox.inbox_router)
    app.include_router(console_inbox.router)
    app.include_router(console_alerts.router)
    app.include_router(console_canned.router)
    app.include_router(console_customers.router)
    app.include_router(console_kpis.router)
    app.include_router(console_review.router)
    app.include_router(console_live.router)
    app.include_router(console_static.router)
    return app


@contextmanager
def _disposing(store: Store) -> Iterator[Store]:
    try:
        yield store
    finally:
        store.dispose()
