"""A message from staff (or a system notice on their behalf) to the shopper of a
conversation, stored and queued on the shopper's channel (SMS or web chat) through the outbox.

Whoever writes, the same rules hold as for the assistant's messages: nothing to a shopper who
opted out of texts, and nothing that no one may send (another customer's contact details,
secrets: `handoff.staff_guard`)."""

from __future__ import annotations

from crm_store import conversations, customers, outbox
from crm_store.errors import InvalidValue
from crm_store.records import MessageRecord
from crm_store.types import Author, Channel, Consent
from crm_store.uow import UnitOfWork
from handoff import staff_guard


class ShopperOptedOut(Exception):
    """The shopper texted STOP: no one may text them until they text START (409)."""


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
