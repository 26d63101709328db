"""Web chat reads from the store: which conversation a widget session has, and its transcript.

Blocking functions (they open a unit of work); the router runs them in a worker thread. A
session is the widget's random id, kept in the shopper's browser; it is the web channel's
external identity of the customer (`InboundMessage.sender`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from crm_store import conversations, customers, dealerships, messages
from crm_store.types import Author, Channel, ConversationMode
from crm_store.uow import UnitOfWork

SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,100}")
SESSION_EXPECTED = "1-100 characters from A-Z, a-z, 0-9, '_' and '-'"
SHOWN_AUTHORS = frozenset({Author.SHOPPER, Author.ASSISTANT, Author.STAFF})


class StoreLike(Protocol):
    """What the web channel needs of `crm_store.db.Store` (which it may not import)."""

    def unit_of_work(self) -> UnitOfWork: ...


@dataclass(frozen=True, slots=True)
class SessionConversation:
    """The session's current web conversation (None, None before its first message) and the
    dealership's display name (for the widget's AI disclosure)."""

    dealership_name: str
    public_id: str | None
    conversation_id: int | None


def session_problem(session: str | None) -> str | None:
    """None when `session` is a valid widget session id, else a message naming the field."""
    if session is None or session == "":
        return f"session: missing; expected {SESSION_EXPECTED}"
    if SESSION_PATTERN.fullmatch(session) is None:
        shown = session if len(session) <= 40 else session[:40] + "..."
        return f"session: {shown!r} is not valid; expected {SESSION_EXPECTED}"
    return None


def find_conversation(store: StoreLike, *, slug: str, session: str) -> SessionConversation:
    """The session's open (else latest) web conversation at `slug`.

    Raises `crm_store.errors.NotFound` for an unknown dealership.
    """
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
        shopper = customers.find_by_identity(
            uow, dealership_id=dealer.id, channel=Channel.WEB, external_id=session
        )
        if shopper is None:
            return SessionConversation(dealer.name, None, None)
        web = [
            c
            for c in conversations.list_conversations(uow, customer_id=shopper.id)
            if c.channel is Channel.WEB
        ]
    if not web:
        return SessionConversation(dealer.name, None, None)
    open_ = [c for c in web if c.mode is not ConversationMode.CLOSED]
    latest = (open_ or web)[-1]
    return SessionConversation(dealer.name, latest.public_id, latest.id)


def transcript(store: StoreLike, conversation_id: int | None) -> list[dict[str, Any]]:
    """The shopper-visible messages, oldest first, as widget frames `{id, author, text, at}`."""
    if conversation_id is None:
        return []
    with store.unit_of_work() as uow:
        rows = messages.list_messages(uow, conversation_id=conversation_id)
    return [
        {
            "id": m.id,
            "author": m.author.value,
            "text": m.body,
            "at": m.created_at.isoformat(),
        }
        for m in rows
        if m.author in SHOWN_AUTHORS
    ]
