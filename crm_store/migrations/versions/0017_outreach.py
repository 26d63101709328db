"""outreach: campaigns, one attempt per customer each, and the customer's time zone

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 04:09:08.396803

Two new tables and one nullable column (`customers.timezone`, NULL meaning the phone's area
code decides): nothing existing is rewritten.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm_store.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "price_drop",
                "equity",
                "lease_end",
                "no_show",
                "custom",
                name="campaign_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "running",
                "cancelled",
                name="campaign_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_campaigns_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaigns_dealership_id"), ["dealership_id"], unique=False
        )

    op.create_table(
        "outreach_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("dealership_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "sent",
                "suppressed",
                "failed",
                name="attempt_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "no_consent",
                "quiet_hours",
                "opted_out",
                "cap",
                "no_phone",
                name="attempt_reason",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("send_at", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", crm_store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crm_store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_outreach_attempts_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_outreach_attempts_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_outreach_attempts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dealership_id"],
            ["dealerships.id"],
            name=op.f("fk_outreach_attempts_dealership_id_dealerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_outreach_attempts_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_attempts")),
        sa.UniqueConstraint(
            "campaign_id", "customer_id", name=op.f("uq_outreach_attempts_campaign_id_customer_id")
        ),
    )
    with op.batch_alter_table("outreach_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_attempts_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outreach_attempts_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(
            "ix_outreach_attempts_customer_sent", ["customer_id", "sent_at"], unique=False
        )
        batch_op.create_index(
            "ix_outreach_attempts_dealership_status_send",
            ["dealership_id", "status", "send_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outreach_attempts_message_id"), ["message_id"], unique=False
        )

    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    with op.batch_alter_table("outreach_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_attempts_message_id"))
        batch_op.drop_index("ix_outreach_attempts_dealership_status_send")
        batch_op.drop_index("ix_outreach_attempts_customer_sent")
        batch_op.drop_index(batch_op.f("ix_outreach_attempts_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_attempts_campaign_id"))

    op.drop_table("outreach_attempts")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_dealership_id"))

    op.drop_table("campaigns")
