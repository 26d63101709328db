"""review: managers' flags on conversations

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 20:40:00.000000

One new table, nothing changed in the old ones: no conversation is flagged yet.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversation_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_flags_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_conversation_flags_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_flags")),
    )
    with op.batch_alter_table("conversation_flags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_flags_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conversation_flags_staff_id"), ["staff_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_flags_staff_id"))
        batch_op.drop_index(batch_op.f("ix_conversation_flags_conversation_id"))

    op.drop_table("conversation_flags")
