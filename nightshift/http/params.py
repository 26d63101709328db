"""Bounded request parameters shared by the routes.

An id the database cannot hold (SQLite integers are 64-bit) is the caller's mistake: it gets
a 422 naming the parameter before any query runs, not an overflow error (a 500) from the
driver. Use `DbId` for every integer path parameter that reaches the database.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_DB_INT = 2**63 - 1

DbId = Annotated[int, Path(ge=1, le=MAX_DB_INT, description="a database id")]
UnixTime = Annotated[int, Query(ge=0, le=MAX_DB_INT, description="expiry of the link (unix time)")]
