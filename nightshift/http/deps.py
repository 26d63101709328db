"""Typed FastAPI dependencies: the app's `Services` (the one way a route reaches the
runtime), and from it the store, the settings and a unit of work per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from starlette.applications import Starlette
from starlette.types import ASGIApp

from crm_store.db import Store
from crm_store.uow import UnitOfWork
from nightshift.http.services import Services
from nightshift.settings import Settings


def services_of(app: ASGIApp) -> Services:
    """The `Services` that `create_app` keeps on the app (set once, before any request)."""
    services = app.state.services if isinstance(app, Starlette) else None
    if not isinstance(services, Services):
        raise TypeError(f"{type(app).__name__} is not an app made by create_app")
    return services


def get_services(request: Request) -> Services:
    return services_of(request.app)


ServicesDep = Annotated[Services, Depends(get_services)]


def get_store(services: ServicesDep) -> Store:
    return services.store


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


def get_uow(store: Annotated[Store, Depends(get_store)]) -> Iterator[UnitOfWork]:
    with store.unit_of_work() as uow:
        yield uow


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
