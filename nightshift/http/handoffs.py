"""The handoff page and its API, reached only through the signed, expiring link in a page
(`/staff/handoffs/{id}/{staff_id}?exp=...&sig=...`): the summary, the transcript and the audit
trail; ack, claim (the assistant goes silent), reply to the shopper on their channel, and hand
the conversation back to the assistant.

Opening the page also signs the salesperson in to the console for that handoff's
conversation only (`Accounts.sign_in_by_handoff_link`): the answer sets the console session
cookie of a new scoped session, unless the browser already holds their live full session
(never replaced) or their session for this handoff. Another staff member's session in the
same browser is replaced: the link's holder is the one at the screen. The page links to the
conversation's console page ("Open in the console").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from agent import prompts
from crm_store import conversations, dealerships, handoffs, staff
from crm_store.alerts import AlertStepRecord
from crm_store.handoffs import HandoffStepRecord
from crm_store.records import HandoffRecord, StaffRecord
from crm_store.types import Author
from crm_store.uow import UnitOfWork
from handoff import links, takeover
from handoff.staff_messages import send_to_shopper
from nightshift.conversation import transcript
from nightshift.http import auth
from nightshift.http.deps import ServicesDep, StoreDep
from nightshift.http.handoff_page import handoff_page
from nightshift.http.params import DbId, UnixTime
from nightshift.http.services import Services

# the page a paged salesperson opens, and the API the page calls: both under the signed path
page_router = APIRouter(prefix=links.STAFF_PAGE, tags=["handoffs"])
router = APIRouter(prefix="/api" + links.STAFF_PAGE.removeprefix("/staff"), tags=["handoffs"])


Signature = Annotated[str, Query(min_length=64, max_length=64, description="the link's signature")]


class Signed(BaseModel):
    handoff_id: int
    staff_id: int
    expires_at: datetime


@auth.rule("signed link: this handoff, this staff member, until it expires")
def signed(
    handoff_id: DbId,
    staff_id: DbId,
    services: ServicesDep,
    exp: UnixTime,
    sig: Signature,
) -> Signed:
    """403 unless the link was signed by this instance for this handoff and staff member and
    has not expired."""
    expires_at = verified(services, links.staff_page(handoff_id, staff_id), exp, sig)
    return Signed(handoff_id=handoff_id, staff_id=staff_id, expires_at=expires_at)


def verified(services: Services, path: str, exp: int, sig: str) -> datetime:
    """When the signed link to `path` expires; 403 unless this instance signed it and it has
    not expired (a handoff's or an alert's page)."""
    problem = links.check(services.signing_key, path, exp, sig, services.store.clock.now())
    if problem:
        raise HTTPException(status_code=403, detail=problem)
    return datetime.fromtimestamp(exp, UTC)


SignedDep = Annotated[Signed, Depends(signed)]
TrailStep = HandoffStepRecord | AlertStepRecord


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=1600, description="the message to the shopper")


class HandoffOut(BaseModel):
    id: int
    status: str
    reasons: list[str]
    confidence: float
    urgent: bool
    assigned_to: str | None
    acked: bool
    created_at: str
    note: str | None


class ActingAs(BaseModel):
    id: int
    name: str
    handle: str


class ConversationOut(BaseModel):
    public_id: str
    mode: str


class StepOut(BaseModel):
    at: str
    action: str
    staff: str | None
    rule: str | None
    detail: dict[str, Any]


class HandoffDetails(BaseModel):
    """Everything the handoff page shows."""

    handoff: HandoffOut
    acting_as: ActingAs
    conversation: ConversationOut
    summary: dict[str, Any]
    steps: list[StepOut]
    transcript: transcript.Transcript


@page_router.get("", response_class=HTMLResponse)
def page(
    link: SignedDep, request: Request, services: ServicesDep, cookie: auth.Cookie
) -> HTMLResponse:
    """The handoff page a paged salesperson opens from the SMS or e-mail; it signs them in
    to the console for this handoff's conversation (module docstring)."""
    with services.store.reading() as uow:
        found = handoffs.get_handoff(uow, handoff_id=link.handoff_id)
        dealer = dealerships.get_dealership_by_id(uow, dealership_id=found.dealership_id)
        convo = conversations.get_conversation(uow, conversation_id=found.conversation_id)
    response = HTMLResponse(handoff_page(dealer.name, found.id, convo.public_id))
    signed = services.accounts.sign_in_by_handoff_link(
        cookie=cookie,
        staff_id=link.staff_id,
        handoff_id=link.handoff_id,
        link_expires_at=link.expires_at,
        user_agent=request.headers.get("user-agent"),
    )
    if signed is not None:
        auth.set_session_cookie(response, services, signed.session, signed.token)
    return response


@router.get("", response_model=HandoffDetails)
def details(link: SignedDep, store: StoreDep) -> HandoffDetails:
    """Everything the page shows: handoff, summary, audit trail, transcript, who is acting."""
    with store.reading() as uow:
        return _details(uow, link)


@router.post("/ack", response_model=HandoffDetails)
def ack(link: SignedDep, store: StoreDep) -> HandoffDetails:
    with store.unit_of_work() as uow:
        member = _member(uow, link)
        handoffs.ack(uow, handoff_id=link.handoff_id, staff_id=member.id, via="page")
        _audit(uow, member, "handoff_ack", link)
    return details(link, store)


@router.post("/claim", response_model=HandoffDetails)
def claim(link: SignedDep, store: StoreDep, services: ServicesDep) -> HandoffDetails:
    """Take the conversation over: the assistant stays silent; the shopper is told."""
    with store.unit_of_work() as uow:
        member = _member(uow, link)
        _claim(uow, link, member)
        _audit(uow, member, "handoff_claim", link)
    services.kick_delivery()
    return details(link, store)


@router.post("/reply", response_model=HandoffDetails, status_code=201)
def reply(link: SignedDep, body: ReplyIn, store: StoreDep, services: ServicesDep) -> HandoffDetails:
    """Send the shopper a message on their channel (claims the conversation first)."""
    with store.unit_of_work() as uow:
        member = _member(uow, link)
        found = _claim(uow, link, member)
        convo = conversations.get_conversation(uow, conversation_id=found.conversation_id)
        stored = send_to_shopper(uow, convo.id, body.text, Author.STAFF, member.id)
        handoffs.record_step(uow, handoff_id=found.id, action="replied", staff_id=member.id)
        _audit(uow, member, "staff_message", link, message=stored.id if stored else None)
    services.kick_delivery()
    return details(link, store)


@router.post("/hand-back", response_model=HandoffDetails)
def hand_back(link: SignedDep, store: StoreDep, services: ServicesDep) -> HandoffDetails:
    """Give the conversation back to the assistant; the shopper is told."""
    with store.unit_of_work() as uow:
        member = _member(uow, link)
        takeover.give_back(
            uow, handoff_id=link.handoff_id, member=member, notice=notice("handed_back", member)
        )
        _audit(uow, member, "handoff_hand_back", link)
    services.kick_delivery()
    return details(link, store)


def _audit(uow: UnitOfWork, member: StaffRecord, action: str, link: Signed, **detail: Any) -> None:
    """Audit an action taken through a signed link (the link names the staff member)."""
    by_link(member).audit(uow, action, f"handoff:{link.handoff_id}", detail)


def by_link(member: StaffRecord) -> auth.Principal:
    """`member` acting through a signed link (a handoff's or an alert's), as audited."""
    return auth.Principal(
        dealership_id=member.dealership_id,
        via="link",
        actor=f"{member.name} ({member.handle}) via signed link",
        role=member.role.value,
        staff_id=member.id,
    )


def step_rows(steps: Sequence[TrailStep], team: Mapping[int, str]) -> list[StepOut]:
    """An audit trail (a handoff's or an alert's) as the pages show it, staff by name."""
    return [
        StepOut(
            at=s.at.isoformat(),
            action=s.action,
            staff=team.get(s.staff_id or 0),
            rule=s.rule,
            detail=s.detail,
        )
        for s in steps
    ]


def _claim(uow: UnitOfWork, link: Signed, member: StaffRecord) -> HandoffRecord:
    return takeover.take_over(
        uow, handoff_id=link.handoff_id, member=member, notice=notice("claimed", member)
    )


def notice(prompt: str, member: StaffRecord) -> takeover.Notice:
    """The shopper's notice `prompt` ("claimed", "handed_back") naming `member`."""
    return lambda found, dealer: prompts.render(
        prompt, str(found.id), name=member.name, dealership=dealer
    )


def _member(uow: UnitOfWork, link: Signed) -> StaffRecord:
    member = staff.get_staff(uow, staff_id=link.staff_id)
    found = handoffs.get_handoff(uow, handoff_id=link.handoff_id)
    if member.dealership_id != found.dealership_id:
        raise HTTPException(status_code=403, detail="this link is not valid")
    return member


def _details(uow: UnitOfWork, link: Signed) -> HandoffDetails:
    found = handoffs.get_handoff(uow, handoff_id=link.handoff_id)
    member = _member(uow, link)
    convo = conversations.get_conversation(uow, conversation_id=found.conversation_id)
    team = {m.id: m.name for m in staff.list_staff(uow, dealership_id=found.dealership_id)}
    return HandoffDetails(
        handoff=HandoffOut(
            id=found.id,
            status=found.status.value,
            reasons=list(found.reasons),
            confidence=found.confidence,
            urgent=found.urgent,
            assigned_to=team.get(found.assigned_staff_id or 0),
            acked=found.acked_at is not None,
            created_at=found.created_at.isoformat(),
            note=found.note,
        ),
        acting_as=ActingAs(id=member.id, name=member.name, handle=member.handle),
        conversation=ConversationOut(public_id=convo.public_id, mode=convo.mode.value),
        summary=found.summary,
        steps=step_rows(handoffs.steps(uow, handoff_id=found.id), team),
        transcript=transcript.build(uow, convo),
    )
