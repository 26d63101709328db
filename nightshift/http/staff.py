"""Staff replies to a shopper by API token (the handoff page's reply is the same flow):
stored as the salesperson's message and delivered on the shopper's channel through the outbox
(live in the web chat), under the rules of `handoff.staff_messages`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from crm_store import conversations
from crm_store.types import Author
from handoff.staff_messages import send_to_shopper
from nightshift.http import auth
from nightshift.http.auth import ActingStaff, Principal, speaker
from nightshift.http.deps import ServicesDep

router = APIRouter(prefix="/api/conversations/{public_id}/staff-messages", tags=["staff"])
StaffDep = Annotated[Principal, Depends(auth.requires(*auth.ANY_STAFF))]


class StaffMessageIn(BaseModel):
    staff: ActingStaff = None
    text: str = Field(min_length=1, max_length=1600)


class StaffMessageOut(BaseModel):
    id: int
    conversation: str
    author: str


@router.post("", response_model=StaffMessageOut, status_code=201)
def post_staff_message(
    public_id: str, body: StaffMessageIn, services: ServicesDep, who: StaffDep
) -> StaffMessageOut:
    """Send a staff member's message to the shopper of this conversation."""
    with services.store.unit_of_work() as uow:
        convo = conversations.get_by_public_id(uow, public_id=public_id)
        who.require_dealership(convo.dealership_id)
        member = speaker(uow, who, body.staff)
        stored = send_to_shopper(uow, convo.id, body.text, Author.STAFF, member.id)
        assert stored is not None  # a staff message is sent or refused, never skipped
        who.audit(uow, "staff_message", f"conversation:{convo.public_id}", {"message": stored.id})
    services.kick_delivery()  # committed: the delivery worker sees it when woken
    return StaffMessageOut(id=stored.id, conversation=public_id, author=member.name)
