"""vehicle spec sheet, dealership departments

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 18:30:00.000000

Both are optional JSON documents: rows written before this revision read as "no specs" and
"no departments" (NULL), so nothing needs backfilling.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("specs", sa.JSON(), nullable=True))
    with op.batch_alter_table("dealerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("departments", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dealerships", schema=None) as batch_op:
        batch_op.drop_column("departments")
    with op.batch_alter_table("vehicles", schema=None) as batch_op:
        batch_op.drop_column("specs")
