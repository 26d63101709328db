"""Conversations written straight to the store, as the pipeline and a worker process would:
a shopper's SMS, and a handoff paged to a salesperson (no bus event: live pages find them by
polling)."""

from __future__ import annotations

from crm_store import conversations, customers, dealerships, handoffs, messages, staff
from crm_store.db import Store
from crm_store.records import ConversationRecord
from crm_store.types import Author, Channel, Direction
from tests.demo import SLUG


def sms_from(
    store: Store, text: str, *, name: str, phone: str, slug: str = SLUG
) -> ConversationRecord:
    """The shopper `name` (`phone`) wrote `text` by SMS: their open conversation (a new one
    for a new shopper)."""
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        shopper = customers.upsert_customer(uow, dealership_id=dealer_id, phone=phone, name=name)
        convo, _ = conversations.open_conversation(
            uow, dealership_id=dealer_id, customer_id=shopper.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=convo.id,
            direction=Direction.INBOUND,
            author=Author.SHOPPER,
            body=text,
        )
    return convo


def financing_paged_to(store: Store, convo: ConversationRecord, handle: str) -> int:
    """A financing handoff for `convo`, paged to the staff member `handle`; its id."""
    with store.unit_of_work() as uow:
        member = staff.find_staff(uow, dealership_id=convo.dealership_id, handle=handle)
        found = handoffs.create_handoff(
            uow,
            dealership_id=convo.dealership_id,
            conversation_id=convo.id,
            customer_id=convo.customer_id,
            reasons=["financing"],
            confidence=0.9,
        )
        handoffs.page(uow, handoff_id=found.id, staff_id=member.id, rule="owner")
        return found.id
