"""The staff console's inbox: a conversation's status, snooze and assignee, internal
notes, canned replies, and the flags of transcript review."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import (
    InboxStatus,
    enum_column,
)


class ConversationInbox(Base):
    """Where a conversation stands in the staff inbox: its status, snooze and assignee.

    No row means open and unassigned, so a conversation needs none until staff act on it.
    A table of its own, not columns on `conversations`: that row is the pipeline's (read and
    stamped on every message), this one the staff's. `snoozed_until` is set only while
    snoozed; a snoozed row without it waits for the shopper's next message.

    The assignee is the conversation's owner in the inbox, not the handoff's assigned staff
    member nor the customer's: a handoff's assignee is the routing ladder's state (who is
    paged now; it changes on every reroute and ends with the handoff), while a conversation
    is worked before, between and after handoffs (pending, snoozed, reopened by the shopper);
    the customer's owner spans all their conversations and is whom routing pages first.
    Claiming or acknowledging a handoff makes the claimer the assignee (`crm_store.handoffs`).
    """

    __tablename__ = "conversation_inbox"
    __table_args__ = (
        sa.CheckConstraint(
            "snoozed_until IS NULL OR status = 'snoozed'", name="snoozed_until_only_when_snoozed"
        ),
    )

    conversation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[InboxStatus] = mapped_column(enum_column(InboxStatus, "inbox_status"))
    snoozed_until: Mapped[datetime | None]
    assignee_staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    # when staff last read the conversation: the shopper's messages after it are unread
    seen_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ConversationNote(Base):
    """An internal note by staff on a conversation. A table apart from `messages`, so no
    transcript, outbox or channel ever reads it: it is never sent to the shopper."""

    __tablename__ = "conversation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = fk("conversations.id")
    author_staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]


class CannedReply(Base):
    """A saved reply staff can insert: dealership-wide (no owner) or one staff member's own.

    A title is unique per owner: among the dealership-wide replies of a dealership (a
    partial unique index, since NULL owners are never equal in a UNIQUE constraint) and
    among each staff member's own."""

    __tablename__ = "canned_replies"
    __table_args__ = (
        sa.UniqueConstraint("owner_staff_id", "title"),
        sa.Index(
            "uq_canned_replies_shared_title",
            "dealership_id",
            "title",
            unique=True,
            sqlite_where=sa.text("owner_staff_id IS NULL"),
            postgresql_where=sa.text("owner_staff_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    owner_staff_id: Mapped[int | None] = fk("staff.id", null=True)
    title: Mapped[str] = mapped_column(sa.String(80))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ConversationFlag(Base):
    """A manager's flag on a conversation under review: a tag from a fixed list
    (`crm_store.review.TAGS`) and a note. A conversation with any flag is "flagged" and sits
    in the review queue until its flags are removed; removing one deletes its row (the audit
    log keeps who flagged and unflagged what, and when)."""

    __tablename__ = "conversation_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = fk("conversations.id")
    tag: Mapped[str] = mapped_column(sa.String(40))
    note: Mapped[str] = mapped_column(sa.Text)
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    created_at: Mapped[datetime]
