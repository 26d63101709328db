"""The unit of work: one transaction, committed on success and rolled back on any error."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from contracts.clock import Clock
from crm_store.errors import NotFound

RowT = TypeVar("RowT")


class UnitOfWork:
    """A transaction plus the clock that stamps it.

    Service functions take it as their first argument and never commit on their own; leaving
    the `with` block commits, an exception rolls everything back, so a failed multi-step change
    writes nothing.
    """

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self.clock = clock
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its `with` block")
        return self._session

    def now(self) -> datetime:
        return self.clock.now()

    def flush(self) -> None:
        self.session.flush()

    def get(self, model: type[RowT], row_id: int, what: str) -> RowT:
        """The row `row_id` of `model`, or `NotFound` naming `what` and the id."""
        row = self.session.get(model, row_id)
        if row is None:
            raise NotFound(f"{what} id {row_id} not found")
        return row

    def __enter__(self) -> UnitOfWork:
        if self._session is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._session = self._sessions()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                session.commit()
            else:
                session.rollback()
        finally:
            session.close()
            self._session = None
