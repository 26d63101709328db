"""Internal notes on a conversation: staff write them for each other. They live in their own
table, apart from the messages, so no transcript, outbox or channel ever reads them: a note is
never sent to the shopper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from crm_store.errors import InvalidValue
from crm_store.models import ConversationNote, Staff
from crm_store.uow import UnitOfWork

MAX_NOTE = 4000


@dataclass(frozen=True, slots=True)
class NoteRecord:
    id: int
    conversation_id: int
    author_staff_id: int | None  # None once the author's staff record is gone
    author_name: str | None
    body: str
    created_at: datetime


def add_note(uow: UnitOfWork, *, conversation_id: int, staff_id: int, text: str) -> NoteRecord:
    """A note by `staff_id`: 1 to 4,000 characters once trimmed, else `InvalidValue` on `text`."""
    body = text.strip()
    if not body or len(body) > MAX_NOTE:
        raise InvalidValue("text", f"{len(body)} characters", f"1 to {MAX_NOTE} characters")
    row = ConversationNote(
        conversation_id=conversation_id, author_staff_id=staff_id, body=body, created_at=uow.now()
    )
    uow.session.add(row)
    uow.flush()
    author = uow.session.get(Staff, staff_id)
    return NoteRecord(
        row.id, conversation_id, staff_id, author.name if author else None, body, row.created_at
    )


def list_notes(uow: UnitOfWork, *, conversation_id: int) -> list[NoteRecord]:
    """The conversation's notes, oldest first."""
    rows = uow.session.execute(
        sa.select(ConversationNote, Staff.name)
        .outerjoin(Staff, Staff.id == ConversationNote.author_staff_id)
        .where(ConversationNote.conversation_id == conversation_id)
        .order_by(ConversationNote.created_at, ConversationNote.id)
    )
    return [
        NoteRecord(n.id, n.conversation_id, n.author_staff_id, name, n.body, n.created_at)
        for n, name in rows
    ]
