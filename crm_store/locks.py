"""One conversation is handled by one worker at a time.

In one process a lock per conversation id serialises turns; on PostgreSQL an advisory lock,
held on its own connection for the whole turn, does the same across processes and machines.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from crm_store.db import Store

_LOCKS: dict[tuple[str, int], threading.Lock] = {}
_GUARD = threading.Lock()
_NAMESPACE = 0x4E53  # "NS": keeps our advisory keys apart from other applications'


@contextmanager
def conversation_lock(store: Store, conversation_id: int) -> Iterator[None]:
    key = (str(store.url), conversation_id)
    with _GUARD:
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        if store.backend != "postgresql":
            yield
            return
        with store.engine.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_advisory_lock(:ns, :id)"),
                {"ns": _NAMESPACE, "id": conversation_id},
            )
            connection.commit()
            try:
                yield
            finally:
                connection.execute(
                    sa.text("SELECT pg_advisory_unlock(:ns, :id)"),
                    {"ns": _NAMESPACE, "id": conversation_id},
                )
                connection.commit()
