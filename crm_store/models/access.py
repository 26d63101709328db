"""Who may act, and what they did: API tokens, the audit log, staff passwords, one-time
sign-in links and console sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm_store.models.base import Base, fk
from crm_store.types import (
    LinkPurpose,
    enum_column,
)


class ApiToken(Base):
    """A per-dealership API credential. Only the SHA-256 of the token is kept; it acts as a
    named staff member (and their role) or as an integration, until revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = fk("dealerships.id")
    name: Mapped[str] = mapped_column(sa.String(80))
    staff_id: Mapped[int | None] = fk("staff.id", null=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuditEntry(Base):
    """One staff or integration action through the API or a signed link: who, how, what."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_dealership_at", "dealership_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dealership_id: Mapped[int] = mapped_column(sa.ForeignKey("dealerships.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    via: Mapped[str] = mapped_column(sa.String(20))
    actor: Mapped[str] = mapped_column(sa.String(200))
    staff_id: Mapped[int | None] = fk("staff.id", null=True, on_delete="SET NULL")
    token_id: Mapped[int | None] = fk("api_tokens.id", null=True, on_delete="SET NULL")
    action: Mapped[str] = mapped_column(sa.String(60))
    target: Mapped[str] = mapped_column(sa.String(120))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class StaffCredential(Base):
    """A staff member's console password as an Argon2id hash (made by `console.passwords`).

    A table of its own rather than a column on `staff`: the staff row is read by every
    routing and availability query and rewritten by the world loader, and a secret should
    travel with neither; no row means the member signs in by link only (the default)."""

    __tablename__ = "staff_credentials"

    staff_id: Mapped[int] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    updated_at: Mapped[datetime]


class SignInLink(Base):
    """A one-time console sign-in link for one staff member; only its SHA-256 is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = fk("staff.id")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "sign_in_link_purpose"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class StaffSession(Base):
    """A signed-in console session (the cookie's SHA-256 is kept, never the cookie), with
    its CSRF secret; it ends at `expires_at`, after idling, or when revoked. A session opened
    by a signed handoff link names that handoff (`handoff_id`): it covers that handoff's
    conversation only; a full session has none."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = fk("staff.id")
    dealership_id: Mapped[int] = fk("dealerships.id")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    csrf_secret: Mapped[str] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    handoff_id: Mapped[int | None] = fk("handoffs.id", null=True)
