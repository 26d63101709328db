"""A route's path prefix is written once: every router of `nightshift.http` carries the part
of the path its routes share as `APIRouter(prefix=...)`, and its routes write only the rest.
A new route that spells out `/api/...` itself, or a router whose routes all start with the
same segment, fails here."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.routing import APIRoute, APIWebSocketRoute

import nightshift.http


def _routers() -> Iterator[tuple[str, APIRouter]]:
    for info in pkgutil.iter_modules(nightshift.http.__path__):
        module = importlib.import_module(f"{nightshift.http.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, APIRouter) and _owned(module.__name__, value):
                yield f"{info.name}.{name}", value


def _owned(module: str, router: APIRouter) -> bool:
    """Routers a module defines (its routes' endpoints live there), not ones it imported."""
    return any(
        isinstance(route, APIRoute | APIWebSocketRoute) and route.endpoint.__module__ == module
        for route in router.routes
    )


def _relative_paths(router: APIRouter) -> list[str]:
    paths = []
    for route in router.routes:
        if isinstance(route, APIRoute | APIWebSocketRoute):
            assert route.path.startswith(router.prefix), (route.path, router.prefix)
            paths.append(route.path.removeprefix(router.prefix))
    return paths


def test_every_router_module_is_found() -> None:
    found = {name for name, _ in _routers()}
    assert {"dealerships.router", "handoffs.router", "handoffs.page_router"} <= found
    assert {"home.router", "show_rate.router", "staff.router", "calendar.router"} <= found


def test_no_route_writes_a_prefix_its_router_could_carry() -> None:
    for name, router in _routers():
        paths = _relative_paths(router)
        assert paths, f"{name}: no routes"
        for path in paths:
            assert not path.startswith("/api"), f"{name}: {path!r} belongs under a prefix"
        if len(paths) > 1:
            firsts = {path.strip("/").split("/")[0] for path in paths}
            shared = next(iter(firsts)) if len(firsts) == 1 else ""
            assert not shared or shared.startswith("{"), (
                f"{name}: every route starts with {shared!r}; make it the router's prefix"
            )


def test_no_two_routers_share_a_prefix() -> None:
    prefixes = [router.prefix for _, router in _routers() if router.prefix]
    assert len(prefixes) == len(set(prefixes)), prefixes
