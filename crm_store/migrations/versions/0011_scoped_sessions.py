"""console: sessions scoped to one handoff (opened by a signed handoff link)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 22:40:00.000000

One nullable column on `staff_sessions`: every existing session is a full one (no handoff).
A handoff that goes (its dealership deleted) takes the sessions scoped to it along.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handoff_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_staff_sessions_handoff_id"), ["handoff_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_sessions_handoff_id_handoffs"),
            "handoffs",
            ["handoff_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_staff_sessions_handoff_id_handoffs"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_staff_sessions_handoff_id"))
        batch_op.drop_column("handoff_id")
