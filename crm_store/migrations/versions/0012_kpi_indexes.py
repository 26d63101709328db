"""kpi indexes: a dealership's conversations, handoffs and test drives by time, and a
conversation's messages in order

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:00:00.000000

Composite indexes for the console's period queries (`crm_store.reports`, the review, the
conversations CSV): each filters on the dealership and a time range, or reads a conversation's
messages by time. No data changes; the single-column foreign-key indexes stay (other queries
use them).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_conversations_dealership_created", "conversations", ["dealership_id", "created_at"]),
    ("ix_handoffs_dealership_created", "handoffs", ["dealership_id", "created_at"]),
    ("ix_appointments_dealership_starts", "appointments", ["dealership_id", "starts_at"]),
    ("ix_messages_conversation_created", "messages", ["conversation_id", "created_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
