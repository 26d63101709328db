"""Reads for a conversation saved as a QA scenario: the appointments that stood when the
conversation began (the conversations of a period are `crm_store.reports`'). One query."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from crm_store.models import Appointment
from crm_store.records import AppointmentRecord, from_row
from crm_store.types import AppointmentStatus, Author
from crm_store.uow import UnitOfWork

_REPLIES = (Author.ASSISTANT, Author.STAFF)


def appointments_standing_at(
    uow: UnitOfWork, *, dealership_id: int, at: datetime
) -> list[AppointmentRecord]:
    """The dealership's appointments that were booked before `at`, start after it and are not
    cancelled now: the calendar a conversation beginning at `at` met (as far as the store
    can tell; when a later-cancelled one was cancelled is not recorded)."""
    rows = uow.session.scalars(
        sa.select(Appointment)
        .where(
            Appointment.dealership_id == dealership_id,
            Appointment.created_at < at,
            Appointment.starts_at > at,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
        .order_by(Appointment.starts_at, Appointment.id)
    )
    return [from_row(AppointmentRecord, row) for row in rows]
