"""Typed FastAPI dependencies: the store, settings and a unit of work per request; waking this
process's delivery worker after a route committed a message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from crm_store.db import Store
from crm_store.uow import UnitOfWork
from nightshift.settings import Settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_uow(store: Annotated[Store, Depends(get_store)]) -> Iterator[UnitOfWork]:
    with store.unit_of_work() as uow:
        yield uow


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]


def kick_delivery(request: Request) -> None:
    """Wake the outbox worker of this process (the message is committed)."""
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is not None:
        runtime.dispatcher.kick()
