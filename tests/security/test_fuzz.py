"""Every operation of the app's OpenAPI, fuzzed with schemathesis in-process: no input gets a
5xx, and requests that were refused stored nothing.

The app is the real one (create_app, its lifespan, the demo dealership on a fresh SQLite
file). Cases come from schemathesis' positive (valid per the schema) and negative (invalid)
generators, a fixed number per operation, derandomized so a run is reproducible; a failing
operation is shrunk by Hypothesis to a minimal request, reported with its curl command.

`CREDENTIALS` lists the runs: "anonymous" sends what schemathesis generates (no or random
`Authorization` values), so every staff route must refuse and no row may appear; a
"staff-token" run sends a real API token of the demo's staff member maria on every request.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, openapi
from schemathesis.checks import not_a_server_error

from contracts.clock import FrozenClock
from crm_store.models import Base
from nightshift.app import create_app
from nightshift.http.deps import services_of
from tests.demo import SLUG
from tests.security.conftest import prepare_demo, staff_token

EXAMPLES = 25  # per operation and generation mode: 17 operations x 2 x 25 requests
CREDENTIALS = ["anonymous", "staff-token"]
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _counts(client: TestClient) -> dict[str, int]:
    """Rows per table (what a refused request must not have changed)."""
    engine = services_of(client.app).store.engine
    with engine.connect() as conn:
        return {
            table.name: int(
                conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            )
            for table in Base.metadata.sorted_tables
        }


def _send(client: TestClient, case: Any, headers: dict[str, str]) -> Any:
    """The case through the app, with requests-style arguments turned into httpx ones."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    data = kwargs.pop("data", None)
    if isinstance(data, bytes | str):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    for name, value in (kwargs.pop("cookies", None) or {}).items():
        client.cookies.set(name, value)
    try:
        return client.request(
            kwargs.pop("method"),
            kwargs.pop("url"),
            follow_redirects=False,  # a redirect (a console page's to sign-in) is the answer
            **{
                k: v
                for k, v in kwargs.items()
                if k in {"headers", "params", "json", "content", "data"}
            },
        )
    finally:
        client.cookies.clear()


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    client: TestClient,
    headers: dict[str, str],
    path_parameters: dict[str, Any],
) -> int:
    """Run the cases of one operation and mode; returns how many were sent (an assertion
    error names the minimal failing request)."""
    sent = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        response = _send(client, case, headers)
        case.validate_response(response, checks=[not_a_server_error])

    try:
        run()
    except Unsatisfiable:  # e.g. no negative case exists for an operation without inputs
        return sent
    return sent


@pytest.mark.parametrize("credentials", CREDENTIALS)
def test_no_input_gets_a_server_error(
    tmp_path: Path, models_dir: Path, clock: FrozenClock, credentials: str
) -> None:
    demo = prepare_demo(
        tmp_path,
        models_dir,
        clock,
        inline_worker=False,  # turns wait in the database: a request's effect stays countable
        rate_limit_per_minute=0,  # the fuzzer is one client sending hundreds of requests
        web_messages_per_minute=0,
    )
    headers = (
        {"Authorization": f"Bearer {staff_token(demo, 'daniel')}"}
        if credentials == "staff-token"
        else {}
    )
    app = create_app(demo, clock=clock, models_dir=models_dir)
    schema = openapi.from_dict(app.openapi())
    failures: dict[str, str] = {}
    sent: dict[str, int] = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        before = _counts(client)
        for result in schema.get_all_operations():
            operation = result.ok()
            # A random slug is a 404 at once: also fuzz the rest against the demo's own.
            fixed = [{}, {"slug": SLUG}] if "{slug}" in operation.path else [{}]
            for mode, path_parameters in itertools.product(MODES, fixed):
                name = (
                    f"{operation.method.upper()} {operation.path} ({mode.value}{path_parameters})"
                )
                try:
                    sent[name] = _fuzz(operation, mode, client, headers, path_parameters)
                except AssertionError as failure:
                    failures[name] = str(failure)[:2000]
        after = _counts(client)
    assert failures == {}, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
    assert len(sent) >= 2 * len(list(schema.get_all_operations())) and sum(sent.values()) > 0
    if credentials == "anonymous":
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert changed == {}, f"refused requests stored rows: {changed}"
