"""The salesperson's inbox pages: `/console/inbox` (waiting for me, mine, the unassigned
queue) and `/console/conversations/{public_id}` (the handoff summary card, the transcript,
internal notes, the customer's timeline and the staff actions), server-rendered; their one
script (`console_live`) only refreshes them in place when something changes.

Every action is a form POST carrying the session's CSRF token (checked by the page rule),
answered with a redirect back to the page (post/redirect/get) or, when the input is wrong,
the page again with the message naming the field (422). Opening a conversation's page marks
it seen, on the GET: reading it is what "seen" means, and a page without scripts has no
other moment to say so. Claiming, replying and handing back are the handoff's own flows
(`handoff.takeover`, `handoff.staff_messages`), the same the signed handoff page runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from console.canned import NotAllowed
from console.inbox import Sort, audit_action, conversation_of
from crm_store import dealerships, handoffs, staff
from crm_store.errors import InvalidValue, NotFound
from crm_store.handoffs import LIVE
from crm_store.records import HandoffRecord
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Author, InboxStatus
from crm_store.uow import UnitOfWork
from handoff import takeover
from handoff.staff_messages import ShopperOptedOut, send_to_shopper
from nightshift.conversation import transcript
from nightshift.http import console_alerts, console_live
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import message, redirect, render
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import FormDep
from nightshift.http.handoffs import notice
from nightshift.http.services import Services

inbox_router = APIRouter(prefix="/console/inbox", tags=["console"])
router = APIRouter(prefix="/console/conversations", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
# a handoff link's session too, on its own conversation (`nightshift.http.auth`): the page,
# claim, reply, note, hand back and status; never the lists, assigning or snoozing
ThisConversation = Annotated[Principal, Depends(page_requires(*STAFF, scoped=True))]
MAX_REPLY = 1600  # one long SMS thread's worth; the API's limit too
TIMELINE = 10  # the customer's latest timeline events shown
NOTICES = {
    "claimed": "It's yours: the assistant stays silent until you hand it back.",
    "sent": "Sent to the shopper.",
    "handed_back": "Handed back to the assistant.",
    "status": "Status changed.",
    "snoozed": "Snoozed.",
    "assigned": "Assignee changed.",
    "noted": "Note added (staff only, never sent).",
}
STATUSES = [s.value for s in InboxStatus if s is not InboxStatus.SNOOZED]


@inbox_router.get("", response_class=HTMLResponse)
def inbox_page(
    who: SignedInStaff,
    services: ServicesDep,
    status: str | None = None,
    sort: str | None = None,
) -> Response:
    """The three lists, each row a link to its conversation and showing the customer's lead
    score; `status` filters them, `sort` orders them (`recent`, the default, or `score`)."""
    session = _session(who)
    try:
        chosen = InboxStatus(status) if status else None
    except ValueError:
        expected = ", ".join(s.value for s in InboxStatus)
        return message("Not a status", f"status: {status!r}; expected {expected}", status=422)
    try:
        order = Sort(sort) if sort else Sort.RECENT
    except ValueError:
        expected = ", ".join(s.value for s in Sort)
        return message("Not a sort order", f"sort: {sort!r}; expected {expected}", status=422)
    since = console_live.since(services, session.dealership_id)  # before what it shows
    found = services.inbox.scored(session, status=chosen, sort=order)
    lists = found.sections
    return render(
        "inbox.html",
        headers={"Content-Security-Policy": console_live.PAGE_CSP},
        since=since,
        title="Inbox",
        who=session,
        chosen=status or "",
        statuses=[s.value for s in InboxStatus],
        alerts=console_alerts.section(services, session),
        sort=order.value,
        sorts=[s.value for s in Sort],
        scores=found.scores,
        sections=[
            ("waiting", "Waiting for me", lists.waiting),
            ("mine", "Mine", lists.mine),
            ("queue", "Unassigned", lists.queue),
        ],
        at=_local(services, session),
    )


@router.get("/{public_id}", response_class=HTMLResponse)
def conversation_page(
    public_id: str,
    who: ThisConversation,
    services: ServicesDep,
    canned: int | None = None,
    done: str | None = None,
) -> Response:
    """The conversation's page (marks it seen); `canned` puts that canned reply, rendered
    for this conversation, in the reply box."""
    session = _session(who)
    try:
        draft = services.canned.render(session, canned, public_id) if canned else ""
        page = _page(services, session, public_id, draft=draft, notice=NOTICES.get(done or ""))
        services.inbox.mark_seen(session, public_id)
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except InvalidValue as exc:
        return _page(services, session, public_id, error=str(exc), status=422)
    return page


@router.post("/{public_id}/claim", response_class=HTMLResponse)
def claim(public_id: str, who: ThisConversation, services: ServicesDep) -> Response:
    """Take the conversation over from the assistant (its live handoff); the shopper is told."""
    return _act(services, who, public_id, "claimed", lambda s: _claim(services, s, public_id))


@router.post("/{public_id}/reply", response_class=HTMLResponse)
def reply(public_id: str, who: ThisConversation, services: ServicesDep, form: FormDep) -> Response:
    """Send the shopper a message on their channel; a live handoff is claimed first."""
    text = form.get("text", "")
    return _act(
        services,
        who,
        public_id,
        "sent",
        lambda s: _reply(services, s, public_id, text),
        draft=text,
    )


@router.post("/{public_id}/hand-back", response_class=HTMLResponse)
def hand_back(public_id: str, who: ThisConversation, services: ServicesDep) -> Response:
    """Give the conversation back to the assistant; the shopper is told."""
    return _act(
        services, who, public_id, "handed_back", lambda s: _hand_back(services, s, public_id)
    )


@router.post("/{public_id}/status", response_class=HTMLResponse)
def set_status(
    public_id: str, who: ThisConversation, services: ServicesDep, form: FormDep
) -> Response:
    """Open, pending or resolved."""
    value = form.get("status", "")

    def act(session: SessionRecord) -> None:
        if value not in STATUSES:
            raise InvalidValue("status", value, " or ".join(STATUSES))
        services.inbox.set_status(session, public_id, InboxStatus(value))

    return _act(services, who, public_id, "status", act)


@router.post("/{public_id}/snooze", response_class=HTMLResponse)
def snooze(public_id: str, who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """Snooze until a dealership-local time, or (no time) until the shopper writes."""
    value = form.get("until", "").strip()

    def act(session: SessionRecord) -> None:
        until = _until(services, session, value) if value else None
        services.inbox.snooze(session, public_id, until=until)

    return _act(services, who, public_id, "snoozed", act)


@router.post("/{public_id}/assign", response_class=HTMLResponse)
def assign(public_id: str, who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """Give the conversation to someone on the team, or back to the unassigned queue."""
    value = form.get("staff_id", "").strip()

    def act(session: SessionRecord) -> None:
        if value and not value.isdigit():
            raise InvalidValue("staff_id", value, "a staff member of this dealership")
        services.inbox.assign(session, public_id, int(value) if value else None)

    return _act(services, who, public_id, "assigned", act)


@router.post("/{public_id}/notes", response_class=HTMLResponse)
def add_note(
    public_id: str, who: ThisConversation, services: ServicesDep, form: FormDep
) -> Response:
    """An internal note: staff see it on this page; the shopper never does."""
    text = form.get("text", "")
    return _act(
        services,
        who,
        public_id,
        "noted",
        lambda s: services.inbox.add_note(s, public_id, text),
        note=text,
    )


def _act(
    services: Services,
    who: Principal,
    public_id: str,
    done: str,
    action: Callable[[SessionRecord], object],
    **kept: str,
) -> Response:
    """Run a form's action and go back to the page; its errors as pages (module docstring)."""
    session = _session(who)
    try:
        action(session)
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except NotAllowed as exc:
        return message("Not allowed", str(exc), status=403)
    except InvalidValue as exc:
        return _page(services, session, public_id, error=str(exc), status=422, **kept)
    except ShopperOptedOut as exc:
        return _page(services, session, public_id, error=str(exc), status=409, **kept)
    services.kick_delivery()  # a notice or a reply may be waiting in the outbox
    console_live.wake(services, session.dealership_id)
    return redirect(f"{router.prefix}/{public_id}?done={done}")


def _claim(services: Services, session: SessionRecord, public_id: str) -> HandoffRecord:
    with services.store.unit_of_work() as uow:
        convo = conversation_of(uow, session, public_id)
        live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
        if live is None:
            raise InvalidValue("handoff", None, "a handoff waiting for a person")
        return _take_over(uow, session, live)


def _reply(services: Services, session: SessionRecord, public_id: str, text: str) -> None:
    text = text.strip()
    if not text or len(text) > MAX_REPLY:
        raise InvalidValue("text", f"{len(text)} characters", f"1 to {MAX_REPLY} characters")
    with services.store.unit_of_work() as uow:
        convo = conversation_of(uow, session, public_id)
        live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
        if live is not None:
            _take_over(uow, session, live)
        stored = send_to_shopper(uow, convo.id, text, Author.STAFF, session.staff_id)
        assert stored is not None  # a staff message is sent or refused, never skipped
        if live is not None:
            handoffs.record_step(
                uow, handoff_id=live.id, action="replied", staff_id=session.staff_id
            )
        target = f"conversation:{convo.public_id}"
        audit_action(uow, session, "staff_message", target, {"message": stored.id})


def _hand_back(services: Services, session: SessionRecord, public_id: str) -> None:
    with services.store.unit_of_work() as uow:
        convo = conversation_of(uow, session, public_id)
        live = handoffs.live_for_conversation(uow, conversation_id=convo.id)
        if live is None:
            raise InvalidValue("handoff", None, "a conversation a person has taken over")
        member = staff.get_staff(uow, staff_id=session.staff_id)
        takeover.give_back(
            uow, handoff_id=live.id, member=member, notice=notice("handed_back", member)
        )
        audit_action(uow, session, "handoff_hand_back", f"handoff:{live.id}", {})


def _take_over(uow: UnitOfWork, session: SessionRecord, live: HandoffRecord) -> HandoffRecord:
    member = staff.get_staff(uow, staff_id=session.staff_id)
    found = takeover.take_over(
        uow, handoff_id=live.id, member=member, notice=notice("claimed", member)
    )
    audit_action(uow, session, "handoff_claim", f"handoff:{live.id}", {})
    return found


def _page(
    services: Services,
    session: SessionRecord,
    public_id: str,
    *,
    draft: str = "",
    note: str = "",
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    since = console_live.since(services, session.dealership_id)  # before what it shows
    view = services.inbox.conversation(session, public_id)
    with services.store.reading() as uow:
        lines = transcript.build(uow, view.conversation).lines
    return render(
        "conversation.html",
        headers={"Content-Security-Policy": console_live.PAGE_CSP},
        since=since,
        status=status,
        title=view.customer,
        who=session,
        view=view,
        lines=lines,
        live=view.handoff if view.handoff and view.handoff.status in LIVE else None,
        team=services.inbox.team(session),
        canned=services.canned.list(session),
        draft=draft,
        note=note,
        error=error,
        notice=notice,
        statuses=STATUSES,
        timeline=view.timeline[-TIMELINE:][::-1],
        at=_local(services, session),
    )


def _zone(services: Services, session: SessionRecord) -> ZoneInfo:
    with services.store.reading() as uow:
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=session.dealership_id)
    return ZoneInfo(dealer.timezone)


def _local(services: Services, session: SessionRecord) -> Callable[[datetime | None], str]:
    """How the pages write a time: the dealership's local time, to the minute."""
    zone = _zone(services, session)
    return lambda when: when.astimezone(zone).strftime("%Y-%m-%d %H:%M") if when else ""


def _until(services: Services, session: SessionRecord, value: str) -> datetime:
    """A datetime-local field's value (dealership-local time) as an aware datetime."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue("until", value, "a date and time like 2026-12-05T09:00") from None
    if naive.tzinfo is not None:
        raise InvalidValue("until", value, "a local date and time, without an offset")
    return naive.replace(tzinfo=_zone(services, session))


def _session(who: Principal) -> SessionRecord:
    assert who.session is not None  # a page rule authenticates by session only
    return who.session
