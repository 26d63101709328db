"""Staff replies to a shopper (the handoff page builds on this): stored as the salesperson's
message and delivered on the shopper's channel through the outbox (live in the web chat)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from crm_store import conversations, customers, outbox, staff
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel
from crm_store.uow import UnitOfWork
from nightshift.deps import UowDep

router = APIRouter(tags=["staff"])


class StaffMessageIn(BaseModel):
    staff: str = Field(min_length=1, max_length=40, description="the staff member's handle")
    text: str = Field(min_length=1, max_length=1600)


class StaffMessageOut(BaseModel):
    id: int
    conversation: str
    author: str


@router.post(
    "/api/conversations/{public_id}/staff-messages", response_model=StaffMessageOut, status_code=201
)
def post_staff_message(
    public_id: str, body: StaffMessageIn, uow: UowDep, request: Request
) -> StaffMessageOut:
    """Send a salesperson's message to the shopper of this conversation."""
    convo = conversations.get_by_public_id(uow, public_id=public_id)
    member = staff.find_staff(uow, dealership_id=convo.dealership_id, handle=body.staff)
    stored = send_to_shopper(uow, convo.id, body.text, Author.STAFF, member.id)
    uow.session.commit()  # visible to the delivery worker before it is woken
    kick_delivery(request)
    return StaffMessageOut(id=stored.id, conversation=public_id, author=member.name)


def send_to_shopper(
    uow: UnitOfWork, conversation_id: int, text: str, author: Author, staff_id: int | None
) -> MessageRecord:
    """Store a message to the shopper and queue it on their channel (SMS or web chat)."""
    convo = conversations.get_conversation(uow, conversation_id=conversation_id)
    shopper = customers.get_customer(uow, customer_id=convo.customer_id)
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
