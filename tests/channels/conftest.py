"""The web channel over the real runtime: demo world, pipeline as inbox, LocalBus, and a
running outbox dispatcher that delivers web replies through `WebSender` onto the bus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from channels.web import demo_page, web_router
from crm_store import dealerships
from nightshift.infra.bus import LocalBus
from nightshift.jobs.delivery import Dispatcher
from nightshift.runtime import Runtime
from tests.demo import SLUG


@dataclass
class WebWorld:
    runtime: Runtime
    bus: LocalBus
    dispatcher: Dispatcher
    app: FastAPI
    dealership_name: str


@pytest.fixture
def web(runtime: Runtime) -> Iterator[WebWorld]:
    """An app with the web router and a `/` demo page; replies are delivered live."""
    bus, dispatcher = runtime.bus, runtime.dispatcher  # the runtime's own live wiring
    with runtime.store.unit_of_work() as uow:
        name = dealerships.get_dealership(uow, slug=SLUG).name
    app = FastAPI()
    app.include_router(
        web_router(
            inbox=runtime.pipeline,
            bus=bus,
            store=runtime.store,
            public_base_url="http://testserver",
        )
    )

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return demo_page(name, SLUG)

    dispatcher.start()
    runtime.jobs.start()  # queued turns are taken as in the server
    try:
        yield WebWorld(runtime, bus, dispatcher, app, name)
    finally:
        dispatcher.stop()
