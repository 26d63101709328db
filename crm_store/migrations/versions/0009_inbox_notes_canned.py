"""inbox: conversation status and assignee, internal notes, canned replies

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 19:32:14.897099

Three new tables, nothing changed in the old ones. A conversation without an inbox row is
open and unassigned, so no row is needed for the existing ones, except that a live handoff
someone already claimed or acknowledged makes that person the conversation's assignee, as
claiming and acknowledging do from now on (`crm_store.handoffs`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARED_TITLE = "uq_canned_replies_shared_title"
NO_OWNER = sa.text("owner_staff_id IS NULL")

# The conversations of live handoffs already claimed or acknowledged: taken by their person.
BACKFILL_ASSIGNEES = """
INSERT INTO conversation_inbox (conversation_id, status, assignee_staff_id, updated_at)
SELECT h.conversation_id, 'open', h.assigned_staff_id, h.updated_at
FROM handoffs h
WHERE h.status IN ('open', 'paged', 'claimed')
  AND h.assigned_staff_id IS NOT NULL
  AND (h.status = 'claimed' OR h.acked_at IS NOT NULL)
  AND h.id = (
    SELECT MAX(l.id) FROM handoffs l
    WHERE l.conversation_id = h.conversation_id AND l.status IN ('open', 'paged', 'claimed')
  )
"""


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_canned_replies_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_staff_id"],
            ["staff.id"],
            name=op.f("fk_canned_replies_owner_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
        sa.UniqueConstraint(
            "owner_staff_id", "title", name=op.f("uq_canned_replies_owner_staff_id_title")
        ),
    )
    with op.batch_alter_table("canned_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_canned_replies_dealership_id"), ["dealership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_canned_replies_owner_staff_id"), ["owner_staff_id"], unique=False
        )
        batch_op.create_index(
            SHARED_TITLE,
            ["dealership_id", "title"],
            unique=True,
            sqlite_where=NO_OWNER,
            postgresql_where=NO_OWNER,
        )

    op.create_table(
        "conversation_inbox",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "pending",
                "snoozed",
                "resolved",
                name="inbox_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("snoozed_until", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assignee_staff_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "snoozed_until IS NULL OR status = 'snoozed'",
            name=op.f("ck_conversation_inbox_snoozed_until_only_when_snoozed"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_staff_id"],
            ["staff.id"],
            name=op.f("fk_conversation_inbox_assignee_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_inbox_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_inbox")),
    )
    with op.batch_alter_table("conversation_inbox", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_inbox_assignee_staff_id"),
            ["assignee_staff_id"],
            unique=False,
        )

    op.create_table(
        "conversation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("author_staff_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_staff_id"],
            ["staff.id"],
            name=op.f("fk_conversation_notes_author_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_notes_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_notes")),
    )
    with op.batch_alter_table("conversation_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_notes_author_staff_id"), ["author_staff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_notes_conversation_id"), ["conversation_id"], unique=False
        )

    op.execute(BACKFILL_ASSIGNEES)


def downgrade() -> None:
    with op.batch_alter_table("conversation_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_notes_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_notes_author_staff_id"))

    op.drop_table("conversation_notes")
    with op.batch_alter_table("conversation_inbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_inbox_assignee_staff_id"))

    op.drop_table("conversation_inbox")
    with op.batch_alter_table("canned_replies", schema=None) as batch_op:
        batch_op.drop_index(SHARED_TITLE, sqlite_where=NO_OWNER, postgresql_where=NO_OWNER)
        batch_op.drop_index(batch_op.f("ix_canned_replies_owner_staff_id"))
        batch_op.drop_index(batch_op.f("ix_canned_replies_dealership_id"))

    op.drop_table("canned_replies")
