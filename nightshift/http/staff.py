"""Staff replies to a shopper (the handoff page builds on this): stored as the salesperson's
message and delivered on the shopper's channel through the outbox (live in the web chat).

Whoever writes, the same rules hold as for the assistant's messages: nothing to a shopper who
opted out of texts, and nothing that no one may send (another customer's contact details,
secrets: `handoff.staff_guard`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from crm_store import conversations, customers, outbox, staff
from crm_store.errors import InvalidValue
from crm_store.records import MessageRecord, StaffRecord
from crm_store.types import Author, Channel, Consent
from crm_store.uow import UnitOfWork
from handoff import staff_guard
from nightshift.http import auth
from nightshift.http.auth import Forbidden, Principal
from nightshift.http.deps import UowDep

router = APIRouter(tags=["staff"])
StaffDep = Annotated[Principal, Depends(auth.requires(*auth.ANY_STAFF))]


class ShopperOptedOut(Exception):
    """The shopper texted STOP: no one may text them until they text START (409)."""


# Who acts, in a request body: an integration names the staff member; a staff member's own
# token acts as them (naming someone else is refused).
ActingStaff = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=40,
        description="the acting staff member's handle: required with an integration token; "
        "a staff member's token acts as that staff member",
    ),
]


class StaffMessageIn(BaseModel):
    staff: ActingStaff = None
    text: str = Field(min_length=1, max_length=1600)


class StaffMessageOut(BaseModel):
    id: int
    conversation: str
    author: str


@router.post(
    "/api/conversations/{public_id}/staff-messages", response_model=StaffMessageOut, status_code=201
)
def post_staff_message(
    public_id: str, body: StaffMessageIn, uow: UowDep, request: Request, who: StaffDep
) -> StaffMessageOut:
    """Send a staff member's message to the shopper of this conversation."""
    convo = conversations.get_by_public_id(uow, public_id=public_id)
    who.require_dealership(convo.dealership_id)
    member = speaker(uow, who, body.staff)
    stored = send_to_shopper(uow, convo.id, body.text, Author.STAFF, member.id)
    assert stored is not None  # a staff message is sent or refused, never skipped
    who.audit(uow, "staff_message", f"conversation:{convo.public_id}", {"message": stored.id})
    uow.session.commit()  # visible to the delivery worker before it is woken
    kick_delivery(request)
    return StaffMessageOut(id=stored.id, conversation=public_id, author=member.name)


def speaker(uow: UnitOfWork, who: Principal, handle: str | None) -> StaffRecord:
    """The staff member a message is from: the token's own, or the one an integration names."""
    if who.staff_id is not None:
        member = staff.get_staff(uow, staff_id=who.staff_id)
        if handle is not None and handle != member.handle:
            raise Forbidden(f"this token speaks as {member.handle!r} only, not {handle!r}")
        return member
    if handle is None:
        raise InvalidValue("staff", None, "the handle of the staff member who speaks")
    return staff.find_staff(uow, dealership_id=who.dealership_id, handle=handle)


def send_to_shopper(
    uow: UnitOfWork, conversation_id: int, text: str, author: Author, staff_id: int | None
) -> MessageRecord | None:
    """Store a message to the shopper and queue it on their channel (SMS or web chat).

    A staff message to an opted-out SMS shopper raises `ShopperOptedOut`, and one that no one
    may send raises `InvalidValue` naming `text`; a system notice (taken over, handed back)
    to an opted-out shopper is skipped (None)."""
    convo = conversations.get_conversation(uow, conversation_id=conversation_id)
    shopper = customers.get_customer(uow, customer_id=convo.customer_id)
    if convo.channel is Channel.SMS and shopper.sms_consent is Consent.REVOKED:
        if author is Author.STAFF:
            raise ShopperOptedOut("the shopper opted out of text messages (STOP); nothing was sent")
        return None
    if author is Author.STAFF:
        refused = staff_guard.problems(
            text,
            belongs_to_others=lambda found: bool(
                customers.owners_of_contacts(
                    uow, dealership_id=convo.dealership_id, phones=found.phones, emails=found.emails
                )
                - {shopper.id}
            ),
        )
        if refused:
            raise InvalidValue(
                "text",
                f"a message that contains {', '.join(refused)}",
                "no other customer's phone or e-mail and no tokens, signed links or keys",
            )
    recipient = shopper.phone if convo.channel is Channel.SMS else convo.public_id
    return outbox.send_message(
        uow,
        conversation_id=convo.id,
        channel=convo.channel,
        recipient=recipient or "",
        body=text,
        author=author,
        staff_id=staff_id,
    )


def kick_delivery(request: Request) -> None:
    """Wake the outbox worker of this process (the message is committed)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None:
        runtime.dispatcher.kick()
