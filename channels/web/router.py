"""The web chat's HTTP surface: the widget script, the dealer-site tag (`signals.js`, which
posts to a route mounted by `nightshift.http.site_signals`), a history endpoint and the
WebSocket.

`web_router(...)` is mounted by the app factory; it keeps no state between requests besides
the widget script it read once. Everything a shopper sends goes through `Inbox` (persist
first); everything they see live comes from the `Bus` topic of their conversation's public id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Response, WebSocket
from starlette.concurrency import run_in_threadpool

from channels.web.history import StoreLike, find_conversation, session_problem, transcript
from channels.web.socket import WidgetSocket
from contracts.channels import Bus, Inbox
from contracts.limits import Limiter
from crm_store.errors import NotFound

WIDGET_PATH = Path(__file__).parent / "static" / "widget.js"
SIGNALS_PATH = Path(__file__).parent / "static" / "signals.js"
ORIGIN_PLACEHOLDER = '"__NIGHTSHIFT_PUBLIC_BASE_URL__"'
WIDGET_CACHE = "public, max-age=300"


def widget_script(public_base_url: str, path: Path = WIDGET_PATH) -> str:
    """The widget's source (or the site tag's, `path`) with the server's public origin as its
    fallback API origin (used only when the browser cannot tell the script's own src)."""
    source = path.read_text(encoding="utf-8")
    return source.replace(ORIGIN_PLACEHOLDER, json.dumps(public_base_url.rstrip("/")))


def web_router(
    *,
    inbox: Inbox,
    bus: Bus,
    store: StoreLike,
    public_base_url: str,
    message_limit: Limiter | None = None,
) -> APIRouter:
    """Routes: `GET /widget.js`, `GET /signals.js`, `GET /channels/web/{slug}/history?session=`,
    `WebSocket /channels/web/{slug}/ws?session=` (frames documented in `channels.web.socket`).

    `store` is the CRM store (anything with `unit_of_work()`); blocking calls run in worker
    threads so the event loop never waits on the database. `message_limit` counts a
    session's chat messages (none when None).
    """
    router = APIRouter()
    script = widget_script(public_base_url)
    tag = widget_script(public_base_url, SIGNALS_PATH)

    @router.get("/widget.js", include_in_schema=False)
    def widget() -> Response:
        return _javascript(script)

    @router.get("/signals.js", include_in_schema=False)
    def signals() -> Response:
        return _javascript(tag)

    @router.get("/channels/web/{slug}/history")
    async def history(slug: str, session: str | None = None) -> dict[str, Any]:
        """The session's conversation and shopper-visible messages (empty before the first)."""
        problem = session_problem(session)
        if problem is not None or session is None:
            detail = [{"loc": ["query", "session"], "msg": problem, "type": "value_error"}]
            raise HTTPException(status_code=422, detail=detail)
        try:
            found = await run_in_threadpool(find_conversation, store, slug=slug, session=session)
        except NotFound as exc:
            raise HTTPException(status_code=404, detail=f"dealership {slug!r} not found") from exc
        messages = await run_in_threadpool(transcript, store, found.conversation_id)
        return {"conversation": found.public_id, "messages": messages}

    @router.websocket("/channels/web/{slug}/ws")
    async def chat(websocket: WebSocket, slug: str) -> None:
        await WidgetSocket(
            websocket, slug=slug, inbox=inbox, bus=bus, store=store, limit=message_limit
        ).serve()

    return router


def _javascript(source: str) -> Response:
    return Response(
        source,
        media_type="application/javascript",
        headers={"Cache-Control": WIDGET_CACHE, "Access-Control-Allow-Origin": "*"},
    )
