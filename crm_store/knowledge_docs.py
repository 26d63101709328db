"""The dealership's knowledge texts as configured (the source `knowledge/` indexes)."""

from __future__ import annotations

import sqlalchemy as sa

from crm_store.models import KnowledgeDoc
from crm_store.records import KnowledgeDocRecord, from_row
from crm_store.uow import UnitOfWork


def upsert_doc(uow: UnitOfWork, *, dealership_id: int, title: str, text: str) -> KnowledgeDocRecord:
    now = uow.now()
    row = uow.session.scalar(
        sa.select(KnowledgeDoc).where(
            KnowledgeDoc.dealership_id == dealership_id, KnowledgeDoc.title == title
        )
    )
    if row is None:
        row = KnowledgeDoc(dealership_id=dealership_id, title=title, created_at=now)
        uow.session.add(row)
    if row.text != text:
        row.text = text
        row.updated_at = now
    uow.flush()
    return _record(row)


def list_docs(uow: UnitOfWork, *, dealership_id: int) -> list[KnowledgeDocRecord]:
    rows = uow.session.scalars(
        sa.select(KnowledgeDoc)
        .where(KnowledgeDoc.dealership_id == dealership_id)
        .order_by(KnowledgeDoc.title)
    )
    return [_record(row) for row in rows]


def _record(row: KnowledgeDoc) -> KnowledgeDocRecord:
    return from_row(KnowledgeDocRecord, row)
