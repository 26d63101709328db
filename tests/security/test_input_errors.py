"""Input an attacker sends gets a 4xx naming the field, never a 500 or a traceback: the
findings of the issue-13 attack run replayed against the real app on the demo dealership."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession

from contracts.clock import FrozenClock
from crm_store.models import Message
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.settings import Settings
from tests.demo import SLUG
from tests.security.conftest import next_frame, staff_token

HANDOFF_ROUTES = [
    ("GET", "/staff/handoffs/{h}/{s}"),
    ("GET", "/api/handoffs/{h}/{s}"),
    ("POST", "/api/handoffs/{h}/{s}/ack"),
    ("POST", "/api/handoffs/{h}/{s}/claim"),
    ("POST", "/api/handoffs/{h}/{s}/reply"),
    ("POST", "/api/handoffs/{h}/{s}/hand-back"),
]
HUGE = [2**63, 10**30]
WS = f"/channels/web/{SLUG}/ws?session=s-attacker"


@pytest.fixture
def client(quiet_demo: Settings, clock: FrozenClock, models_dir: Any) -> Iterator[TestClient]:
    app = create_app(quiet_demo, clock=clock, models_dir=models_dir)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _call(client: TestClient, method: str, path: str, **params: Any) -> Any:
    body = {"text": "hello"} if path.endswith("/reply") else None
    return client.request(method, path, params=params, json=body)


@pytest.mark.parametrize(("method", "route"), HANDOFF_ROUTES)
@pytest.mark.parametrize("sig", ["é" * 64, "ü" * 32 + "0" * 32, "G" * 64, "A" * 64])
def test_a_signature_that_is_not_hex_is_a_403(
    client: TestClient, method: str, route: str, sig: str
) -> None:
    path = route.format(h=1, s=1)
    answer = _call(client, method, path, exp=4102444800, sig=sig)
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"] == "this link is not valid"


@pytest.mark.parametrize(("method", "route"), HANDOFF_ROUTES)
@pytest.mark.parametrize("huge", HUGE)
def test_ids_and_expiry_too_large_for_the_database_are_a_422_naming_them(
    client: TestClient, method: str, route: str, huge: int
) -> None:
    for field, path, exp in [
        ("handoff_id", route.format(h=huge, s=1), 4102444800),
        ("staff_id", route.format(h=1, s=huge), 4102444800),
        ("exp", route.format(h=1, s=1), huge),
    ]:
        answer = _call(client, method, path, exp=exp, sig="0" * 64)
        assert answer.status_code == 422, (field, answer.text)
        locs = [error["loc"] for error in answer.json()["detail"]]
        assert [("query" if field == "exp" else "path"), field] in locs


@pytest.mark.parametrize("huge", [*HUGE, 0, -1])
def test_an_appointment_id_out_of_range_is_a_422_naming_it(
    client: TestClient, quiet_demo: Settings, huge: int
) -> None:
    answer = client.post(
        f"/api/appointments/{huge}/status",
        json={"status": "showed"},
        headers={"Authorization": f"Bearer {staff_token(quiet_demo)}"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["path", "appointment_id"]


def _messages(client: TestClient) -> int:
    engine = services_of(client.app).store.engine
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(Message)).scalar_one())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"staff": "maria", "text": "hi \\ud800"}', "text"),
        ('{"staff": "maria", "text": "hi \\u0000 there"}', "text"),
        ('{"staff": "ma\\udfffria", "text": "hi"}', "staff"),
        ('{"staff": "maria", "text": "hi", "\\ud800": 1}', "\ud800"),
    ],
)
def test_json_text_no_database_can_store_is_a_422_naming_the_field(
    client: TestClient, body: str, field: str
) -> None:
    before = _messages(client)
    answer = client.post(
        "/api/conversations/anything/staff-messages",
        content=body.encode(),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert _messages(client) == before


def test_nul_in_path_or_query_is_a_422(client: TestClient) -> None:
    path = client.get("/api/dealerships/harbor%00point")
    query = client.get(f"/channels/web/{SLUG}/history", params={"session": "a\x00b"})
    assert path.status_code == 422 and path.json()["detail"][0]["loc"] == ["path"]
    assert query.status_code == 422 and query.json()["detail"][0]["loc"] == ["query", "session"]


# -- the web chat socket ----------------------------------------------------------------------


def _send(ws: WebSocketTestSession, kind: str, payload: Any) -> None:
    if kind == "bytes":
        ws.send_bytes(payload)
    else:
        ws.send_text(payload)


BAD_FRAMES = [
    pytest.param("bytes", b"\x00\xff binary", "frame", id="binary"),
    pytest.param("text", "[" * 60_000, "frame", id="deep-array"),
    pytest.param("text", '{"a":' * 30_000, "frame", id="deep-object"),
    pytest.param(
        "text", '{"type": "message", "id": "m1", "text": "hi \\ud800"}', "text", id="surrogate"
    ),
    pytest.param(
        "text", '{"type": "message", "id": "\\ud800", "text": "hi"}', "id", id="surrogate-id"
    ),
    pytest.param("text", '{"type": "message", "id": "m1", "text": "a\\u0000"}', "text", id="nul"),
    pytest.param(
        "text", '{"type": "message", "id": "m1", "text": "' + "x" * 2001 + '"}', "text", id="long"
    ),
    pytest.param(
        "text",
        '{"type": "message", "id": "m1", "text": "' + "x" * 70_000 + '"}',
        "frame",
        id="oversized-frame",
    ),
]


@pytest.mark.parametrize(("kind", "payload", "field"), BAD_FRAMES)
def test_bad_socket_frames_get_an_error_and_the_socket_stays_usable(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    payload: Any,
    field: str,
) -> None:
    caplog.set_level(logging.WARNING)
    before = _messages(client)
    with client.websocket_connect(WS) as ws:
        assert next_frame(ws)["type"] == "hello"
        _send(ws, kind, payload)
        error = next_frame(ws)
        assert error["type"] == "error" and error["field"] == field, error
        assert field in error["message"]
        assert _messages(client) == before  # nothing stored
        ws.send_json({"type": "message", "id": "m2", "text": "how much is your doc fee"})
        ack = next_frame(ws)
    assert ack["type"] == "ack" and ack["id"] == "m2"
    assert _messages(client) == before + 1
    noisy = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert noisy == [], [r.getMessage() for r in noisy]
