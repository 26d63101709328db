"""The declarative base every table shares: naming conventions for constraints (so
Alembic names them the same on SQLite and PostgreSQL), the column types of datetimes and JSON,
and the foreign-key column helper."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column

from crm_store.types import (
    UTCDateTime,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON,
        list[Any]: sa.JSON,
    }


def fk(target: str, *, null: bool = False, on_delete: str = "CASCADE") -> Any:
    return mapped_column(sa.ForeignKey(target, ondelete=on_delete), nullable=null, index=True)
