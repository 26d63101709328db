"""The managers' transcript review pages: `/console/review` (the dealership's conversations
of a period, filtered and paged, and their CSV at `/console/review/csv`), the review queue
`/console/review/queue` (flagged, handed off, guardrail-blocked and fallback replies), and
`/console/review/{public_id}` (transcript, handoff summary, test drives, flags, audit
trail) with its actions: flag, unflag, and "Save as QA scenario" (`evals.export`: the file
`nightshift conversations scenario` writes, as a download).

Managers only (`page_requires("manager")`). Server-rendered, no scripts; every action is a
form POST with the session's CSRF token (checked by the page rule), answered with a
redirect back (post/redirect/get) or, when the input is wrong, the page again naming the
field (422). The filters are the query string's fields (`FIELDS`), so a filtered list is a
link to share, and its CSV link carries the same fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from console import review
from console.review import OUTCOMES, Filters
from crm_store.errors import InvalidValue, NotFound
from crm_store.review import MAX_NOTE, TAGS
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Channel, Role
from evals.export import ExportError, export_scenario
from nightshift.conversation import transcript
from nightshift.http.auth import Principal, page_requires
from nightshift.http.console_pages import HEADERS, message, redirect, render
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import FormDep
from nightshift.http.services import Services

router = APIRouter(prefix="/console/review", tags=["console"])
Manager = Annotated[Principal, Depends(page_requires(Role.MANAGER.value))]
FIELDS = ("from", "to", "channel", "outcome", "staff", "flagged", "after_hours", "q")
"""The list's query fields: days from/to (YYYY-MM-DD, dealership-local, both included),
channel, outcome (`console.review.OUTCOMES`), staff (an id), flagged and after_hours (y/n),
q (text in a message); `page` pages."""
NOTICES = {"flagged": "Flagged.", "unflagged": "Flag removed."}


@router.get("", response_class=HTMLResponse)
def review_page(who: Manager, services: ServicesDep, request: Request) -> Response:
    """The period's conversations matching the filters, 50 a page, each linking to its
    review view; a link downloads the CSV of the same selection."""
    session = _session(who)
    asked = _asked(request.query_params)
    try:
        chosen = _filters(services, session, request.query_params)
        listing = services.review.search(session, chosen)
    except InvalidValue as exc:
        return message("Not a valid filter", str(exc), status=422)
    kept = urlencode({k: v for k, v in asked.items() if v})
    return render(
        "review.html",
        title="Review",
        who=session,
        chosen=chosen,
        asked=asked,
        listing=listing,
        team=services.inbox.team(session),
        channels=[c.value for c in Channel],
        outcomes=OUTCOMES,
        kept=kept,
        at=_local(ZoneInfo(listing.timezone)),
    )


@router.get("/csv", response_class=Response)
def review_csv(who: Manager, services: ServicesDep, request: Request) -> Response:
    """The conversations CSV (one row per conversation) of the list's selection, all pages."""
    session = _session(who)
    try:
        chosen = _filters(services, session, request.query_params)
        text = services.review.csv(session, chosen)
    except InvalidValue as exc:
        return message("Not a valid filter", str(exc), status=422)
    name = f"conversations-{chosen.start.isoformat()}-{chosen.last.isoformat()}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/queue", response_class=HTMLResponse)
def review_queue(who: Manager, services: ServicesDep, request: Request) -> Response:
    """What wants a manager's eyes: flagged conversations, and those of the period handed
    off or with a guardrail-blocked or fallback reply."""
    session = _session(who)
    try:
        chosen = _filters(services, session, request.query_params)
    except InvalidValue as exc:
        return message("Not a valid period", str(exc), status=422)
    return render(
        "review_queue.html",
        title="Review queue",
        who=session,
        chosen=chosen,
        items=services.review.queue(session, chosen),
        at=_local(ZoneInfo(services.review.timezone(session))),
    )


@router.get("/{public_id}", response_class=HTMLResponse)
def review_conversation(
    public_id: str, who: Manager, services: ServicesDep, done: str | None = None
) -> Response:
    """One conversation for review: transcript, handoff summary, test drives, flags and the
    audit trail."""
    session = _session(who)
    try:
        return _page(services, session, public_id, notice=NOTICES.get(done or ""))
    except NotFound as exc:
        return message("Not found", str(exc), status=404)


@router.post("/{public_id}/flag", response_class=HTMLResponse)
def flag(public_id: str, who: Manager, services: ServicesDep, form: FormDep) -> Response:
    """Flag the conversation with a tag (`crm_store.review.TAGS`) and a note."""
    session = _session(who)
    tag, note = form.get("tag", ""), form.get("note", "")
    try:
        services.review.flag(session, public_id, tag, note)
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except InvalidValue as exc:
        return _page(services, session, public_id, error=str(exc), note=note, status=422)
    return redirect(f"{router.prefix}/{public_id}?done=flagged")


@router.post("/{public_id}/unflag", response_class=HTMLResponse)
def unflag(public_id: str, who: Manager, services: ServicesDep, form: FormDep) -> Response:
    """Remove one flag (form field `flag`, its id) of the conversation."""
    session = _session(who)
    value = form.get("flag", "")
    try:
        if not value.isdigit():
            raise InvalidValue("flag", value, "the id of one of the conversation's flags")
        services.review.unflag(session, public_id, int(value))
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except InvalidValue as exc:
        return _page(services, session, public_id, error=str(exc), status=422)
    return redirect(f"{router.prefix}/{public_id}?done=unflagged")


@router.post("/{public_id}/scenario", response_class=Response)
def save_scenario(public_id: str, who: Manager, services: ServicesDep) -> Response:
    """ "Save as QA scenario": the conversation as scenario YAML (../shared/EVAL_FORMAT.md),
    downloaded as `<public_id>.yaml`, ready for `nightshift eval`."""
    session = _session(who)
    try:
        services.review.exported(session, public_id)
        text = export_scenario(services.store, public_id)
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except ExportError as exc:
        return _page(services, session, public_id, error=str(exc), status=422)
    return Response(
        text,
        media_type="application/yaml; charset=utf-8",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{public_id}.yaml"'},
    )


def _page(
    services: Services,
    session: SessionRecord,
    public_id: str,
    *,
    note: str = "",
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = services.inbox.conversation(session, public_id)
    extra = services.review.conversation(session, public_id)
    with services.store.reading() as uow:
        lines = transcript.build(uow, view.conversation).lines
    return render(
        "review_conversation.html",
        status=status,
        title=f"Review: {view.customer}",
        who=session,
        view=view,
        extra=extra,
        lines=lines,
        tags=TAGS,
        max_note=MAX_NOTE,
        note=note,
        error=error,
        notice=notice,
        at=_local(ZoneInfo(extra.timezone)),
    )


def _asked(query: Mapping[str, str]) -> dict[str, str]:
    return {name: query.get(name, "").strip() for name in FIELDS}


def _filters(services: Services, session: SessionRecord, query: Mapping[str, str]) -> Filters:
    asked = _asked(query)
    return review.filters(
        services.review.today(session),
        start=asked["from"],
        last=asked["to"],
        channel=asked["channel"],
        outcome=asked["outcome"],
        staff_id=asked["staff"],
        flagged=asked["flagged"],
        after_hours=asked["after_hours"],
        text=asked["q"],
        page=query.get("page", "").strip(),
    )


def _local(zone: ZoneInfo) -> Callable[[datetime | None], str]:
    """How the pages write a time: the dealership's local time, to the minute."""
    return lambda when: when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else ""


def _session(who: Principal) -> SessionRecord:
    assert who.session is not None  # a page rule authenticates by session only
    return who.session
