"""The console's HTTP tests share one app: the demo dealership, freshly migrated, served
without background workers (what a request stored stays visible), and a way to reach its
services (store, accounts, settings) to set a scene or check what a request did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from tests.console.test_sign_in_http import BASE
from tests.security.conftest import prepare_demo


@pytest.fixture
def client(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[TestClient]:
    """The real app over the demo, not signed in, redirects returned as they come."""
    settings = prepare_demo(tmp_path, models_dir, clock, inline_worker=False)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        yield client


def app_services(client: TestClient) -> Services:
    """The services of the app `client` talks to."""
    return services_of(client.app)
