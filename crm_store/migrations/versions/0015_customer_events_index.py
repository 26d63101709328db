"""customer events index: a customer's shopper events by time

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 00:15:00.000000

The intent rules and the lead score read one customer's events in a time window, newest
first (`crm_store.shopper_events.list_events`). The customer index of 0013 leads with type
and vehicle, so SQLite answered that read from the dealership-and-time index instead, and a
rule's read grew with every event of the dealership (`bench/signals_bench.py`: 15x from 10k
to 100k other events). This index serves it directly. No data changes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_shopper_events_customer_at"


def upgrade() -> None:
    op.create_index(NAME, "shopper_events", ["dealership_id", "customer_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_index(NAME, table_name="shopper_events")
