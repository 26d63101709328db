"""The console's live updates: `GET /console/live`, a Server-Sent Events stream for the
signed-in staff member (`console.live` says what it carries and when it ends), and the
script the inbox and conversation pages load to use it (`console/static/live.js`, served by
`console_static`).

The stream is for a browser's `EventSource` only: a request that does not accept
`text/event-stream` gets a 406 page, not an endless response. `wake` is what the web
process's flows call after a change the console shows (a shopper's message, a staff action):
it publishes "look now" on the bus for the dealership, so the streams of every web worker
re-read the store at once instead of at their next poll.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from console.live import WAKE, LiveFeed, Wake, topic
from crm_store import console_changes
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import HEADERS, message
from nightshift.http.deps import ServicesDep
from nightshift.http.services import RuntimeUnavailable, Services

router = APIRouter(prefix="/console/live", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
EVENT_STREAM = "text/event-stream"
# what the pages that load live.js add to the console's policy: their own script files, and
# the stream and page fetches to this site
PAGE_CSP = HEADERS["Content-Security-Policy"] + "; script-src 'self'; connect-src 'self'"


@router.get("", response_class=StreamingResponse)
async def live(
    request: Request,
    who: SignedInStaff,
    services: ServicesDep,
    since: str | None = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    """The signed-in staff member's live events, from `since` (the cursor the page was
    rendered at) or, when the browser reconnects, from the last event it received."""
    if EVENT_STREAM not in request.headers.get("accept", ""):
        text = "This address is the console's live updates stream, for the inbox's script."
        return message("Not a page", text, status=406)
    session = who.session
    assert session is not None  # a page rule authenticates by session only
    feed = LiveFeed(services.store, services.accounts.config)
    start = await run_in_threadpool(feed.start, session, last_event_id or since)
    bus = _subscribe(services, session.dealership_id)
    stream = feed.events(session, start, wake=bus, gone=request.is_disconnected)
    headers = {**HEADERS, "X-Accel-Buffering": "no"}  # nginx: pass each event on at once
    return StreamingResponse(stream, media_type=EVENT_STREAM, headers=headers)


def since(services: Services, dealership_id: int) -> str:
    """The cursor a page rendered now hands its stream (nothing between is missed)."""
    with services.store.reading() as uow:
        return console_changes.mark(uow, dealership_id=dealership_id).token()


def wake(services: Services, dealership_id: int) -> None:
    """Tell the dealership's live streams to look now (nothing to do without a runtime)."""
    try:
        services.publish(topic(dealership_id), WAKE)
    except RuntimeUnavailable:
        return


def _subscribe(services: Services, dealership_id: int) -> Wake | None:
    try:
        return services.subscribe(topic(dealership_id))
    except RuntimeUnavailable:
        return None  # a degraded start has no bus: the stream polls
