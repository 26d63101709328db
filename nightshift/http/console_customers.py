"""The customer's page, `/console/customers/{customer_id}`: one timeline across channels and
departments (`console.timeline`), newest first, 100 entries a page (`?before=` the next).

Any signed-in staff member of the customer's dealership (`page_requires(*STAFF)`, session
only; a handoff link's session is not let in). Another dealership's customer answers the
same 404 page as one that does not exist. Server-rendered, no scripts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from console import timeline
from crm_store.errors import NotFound
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import message, render
from nightshift.http.deps import ServicesDep

router = APIRouter(prefix="/console/customers", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
NOT_FOUND = "No such customer in this dealership."


@router.get("/{customer_id}", response_class=HTMLResponse)
def customer_page(
    customer_id: str, who: SignedInStaff, services: ServicesDep, before: str | None = None
) -> Response:
    """The customer's timeline; `before` (an ISO time the page's "Older" link carries) pages."""
    session = who.session
    assert session is not None  # a page rule authenticates by session only
    try:
        since = datetime.fromisoformat(before) if before else None
    except ValueError:
        text = f"before: {before!r}; expected an ISO 8601 time with its UTC offset"
        return message("Not a valid page", text, status=422)
    if since is not None and since.tzinfo is None:
        return message("Not a valid page", f"before: {before!r}; expected a UTC offset", status=422)
    if not customer_id.isdigit():
        return message("Not found", NOT_FOUND, status=404)
    try:
        with services.store.reading() as uow:
            found = timeline.read_timeline(
                uow,
                customer_id=int(customer_id),
                dealership_id=session.dealership_id,
                before=since,
            )
    except NotFound:
        return message("Not found", NOT_FOUND, status=404)
    older = found.more_before
    return render(
        "customer.html",
        title=found.customer.name,
        who=session,
        timeline=found,
        older=quote(older.isoformat()) if older else None,
    )
