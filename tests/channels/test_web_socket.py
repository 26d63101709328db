"""The web chat API through the real app: hello, ack, typing, live replies, errors, history."""

from __future__ import annotations

import json
import threading
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from tests.channels.conftest import WebWorld
from tests.demo import SLUG

WS = f"/channels/web/{SLUG}/ws"
HISTORY = f"/channels/web/{SLUG}/history"


def receive(ws: WebSocketTestSession, timeout: float = 60.0) -> dict[str, Any]:
    """The next frame, failing the test (instead of hanging) if none comes in time."""

    async def next_message() -> Any:
        with anyio.fail_after(timeout):
            return await ws._send_rx.receive()

    message = ws.portal.call(next_message)
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000))
    frame: dict[str, Any] = json.loads(message["text"])
    return frame


def receive_until(ws: WebSocketTestSession, kind: str) -> list[dict[str, Any]]:
    """Frames up to and including the first of type `kind`."""
    frames = [receive(ws)]
    while frames[-1]["type"] != kind:
        frames.append(receive(ws))
    return frames


def ask(ws: WebSocketTestSession, client_id: str, text: str) -> list[dict[str, Any]]:
    """Send a message; returns the frames from its ack to the assistant's reply."""
    ws.send_json({"type": "message", "id": client_id, "text": text})
    return receive_until(ws, "message")


def test_new_session_gets_an_empty_hello(web: WebWorld) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=s-new") as ws:
        hello = receive(ws)
    assert hello["type"] == "hello"
    assert hello["conversation"] is None and hello["messages"] == []
    assert hello["dealership"] == web.dealership_name


def test_message_is_acked_then_typing_then_reply(web: WebWorld) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=s-1") as ws:
        receive(ws)
        frames = ask(ws, "m1", "how much is your doc fee")
    ack, *middle, reply = frames
    assert ack["type"] == "ack" and ack["id"] == "m1" and ack["conversation"]
    assert {"type": "typing"} in middle
    assert reply["author"] == "assistant" and "$85" in reply["text"]
    assert isinstance(reply["id"], int)


def test_reconnect_says_hello_with_history_and_history_endpoint_agrees(web: WebWorld) -> None:
    with TestClient(web.app) as client:
        with client.websocket_connect(f"{WS}?session=s-2") as ws:
            receive(ws)
            ack = ask(ws, "m1", "how much is your doc fee")[0]
        with client.websocket_connect(f"{WS}?session=s-2") as ws:
            hello = receive(ws)
        http = client.get(HISTORY, params={"session": "s-2"})
    assert hello["conversation"] == ack["conversation"]
    assert [(m["author"], m["text"][:24]) for m in hello["messages"]] == [
        ("shopper", "how much is your doc fee"),
        ("assistant", hello["messages"][1]["text"][:24]),
    ]
    assert "$85" in hello["messages"][1]["text"]
    assert http.status_code == 200
    assert http.json() == {"conversation": ack["conversation"], "messages": hello["messages"]}
    assert all(set(m) == {"id", "author", "text", "at"} for m in hello["messages"])


def test_repeated_client_id_is_stored_and_answered_once(web: WebWorld) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=s-3") as ws:
        receive(ws)
        ask(ws, "same", "how much is your doc fee")
        ws.send_json({"type": "message", "id": "same", "text": "how much is your doc fee"})
        assert receive(ws)["type"] == "ack"
        history = client.get(HISTORY, params={"session": "s-3"}).json()
    assert [m["author"] for m in history["messages"]] == ["shopper", "assistant"]


@pytest.mark.parametrize(
    ("frame", "field"),
    [
        ({"type": "message", "id": "m1", "text": ""}, "text"),
        ({"type": "message", "id": "m1", "text": "x" * 2001}, "text"),
        ({"type": "message", "id": "m1"}, "text"),
        ({"type": "message", "text": "hi"}, "id"),
        ({"type": "message", "id": "bad id!", "text": "hi"}, "id"),
        ({"type": "nonsense"}, "type"),
    ],
)
def test_bad_frames_get_an_error_naming_the_field(
    web: WebWorld, frame: dict[str, Any], field: str
) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=s-4") as ws:
        receive(ws)
        ws.send_json(frame)
        error = receive(ws)
        history = client.get(HISTORY, params={"session": "s-4"}).json()
    assert error["type"] == "error" and error["field"] == field and field in error["message"]
    assert history["messages"] == []


def test_staff_reply_published_from_another_thread_reaches_the_open_socket(web: WebWorld) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=s-5") as ws:
        receive(ws)
        topic = ask(ws, "m1", "how much is your doc fee")[0]["conversation"]
        event = {"type": "message", "id": 999999, "author": "staff", "text": "Hi, this is Maria"}
        thread = threading.Thread(target=web.bus.publish, args=(topic, event))
        thread.start()
        thread.join()
        assert receive(ws) == event


def test_existing_conversation_is_followed_from_connect(web: WebWorld) -> None:
    with TestClient(web.app) as client:
        with client.websocket_connect(f"{WS}?session=s-6") as ws:
            receive(ws)
            topic = ask(ws, "m1", "how much is your doc fee")[0]["conversation"]
        with client.websocket_connect(f"{WS}?session=s-6") as ws:
            receive(ws)
            web.bus.publish(topic, {"type": "typing"})
            assert receive(ws) == {"type": "typing"}


@pytest.mark.parametrize("session", ["", "has space", "x" * 101, "semi;colon"])
def test_history_rejects_a_bad_session_naming_it(web: WebWorld, session: str) -> None:
    with TestClient(web.app) as client:
        response = client.get(HISTORY, params={"session": session})
        missing = client.get(HISTORY)
    for r in (response, missing):
        assert r.status_code == 422
        assert r.json()["detail"][0]["loc"] == ["query", "session"]
        assert "session" in r.json()["detail"][0]["msg"]


def test_unknown_dealership_is_404_and_closes_the_socket(web: WebWorld) -> None:
    with TestClient(web.app) as client:
        assert client.get("/channels/web/nope/history", params={"session": "s"}).status_code == 404
        with client.websocket_connect("/channels/web/nope/ws?session=s") as ws:
            error = receive(ws)
            with pytest.raises(WebSocketDisconnect):
                receive(ws)
    assert error["field"] == "dealership"


def test_socket_with_bad_session_gets_an_error_naming_it(web: WebWorld) -> None:
    with TestClient(web.app) as client, client.websocket_connect(f"{WS}?session=a%20b") as ws:
        assert receive(ws)["field"] == "session"


def test_widget_script_and_demo_page_are_served(web: WebWorld) -> None:
    with TestClient(web.app) as client:
        script = client.get("/widget.js")
        page = client.get("/")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert "max-age" in script.headers["cache-control"]
    assert (
        "__NIGHTSHIFT_PUBLIC_BASE_URL__" not in script.text and "http://testserver" in script.text
    )
    assert page.text.count("<script") == 1
    assert f'<script src="/widget.js" data-dealership="{SLUG}"></script>' in page.text
    assert web.dealership_name in page.text
