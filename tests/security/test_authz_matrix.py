"""The authorisation matrix, built from the app's own route table: every route has exactly
one rule (public on purpose, staff by API token or console session, a console page, or the
signed handoff link), and each rule holds for an anonymous caller, a sales session, a
manager session, a session of another dealership's staff and API tokens (of another
dealership, of the wrong role, valid), and a session without its CSRF token where the method
changes something. Anonymous API calls get 401, anonymous page visits a redirect to sign-in,
and the console's public forms (sign-in) a 403 without their pre-session CSRF token.
A new route without a rule, or with a path parameter this file has no example for, fails
here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Route

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import appointments, dealerships, handoffs, staff, staff_sessions, vehicles
from crm_store.db import Store
from crm_store.types import Role, VehicleStatus
from nightshift.app import create_app
from nightshift.http import auth
from nightshift.http.deps import services_of
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.demo import ROOT, SLUG
from tests.security.conftest import prepare_demo
from tests.tokens import api_token, bearer

OTHER = "desert-sun-toyota"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}  # public: API docs
BODIES: dict[str, dict[str, Any]] = {
    "/api/conversations/{public_id}/staff-messages": {"text": "On my way."},
    "/api/appointments/{appointment_id}/status": {"status": "cancelled"},
    # events are the token's dealership's; naming another one is what a stranger can try
    "/api/events": {"type": "vdp_view", "at": "2026-03-06T21:00:00-08:00", "dealership": SLUG},
    # likewise a vehicle of the token's dealership, named by its stock number
    "/api/inventory/{stock}": {"status": "available", "dealership": SLUG},
}
QUERIES: dict[str, dict[str, str]] = {
    "/api/dealerships/{slug}/show-rate": {"start": "2026-03-01", "end": "2026-03-09"},
    # a CSV import names the dealership it is for, as the CLI's --dealership does
    "/api/imports/owners": {"dealership": SLUG},
    "/api/imports/book-values": {"dealership": SLUG},
    "/api/imports/service-visits": {"dealership": SLUG},
}


@dataclass
class World:
    client: TestClient
    store: Store
    params: dict[str, str]


@pytest.fixture
def world(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[World]:
    settings: Settings = prepare_demo(tmp_path, models_dir, clock, inline_worker=False)
    store = Store(settings.database_url, clock=clock)
    apply_world(store, load_world_file(ROOT / "examples" / "desert-sun-toyota.yaml"))
    with TestClient(create_app(settings, clock=clock, models_dir=models_dir)) as client:
        runtime = services_of(client.app).runtime()
        turn = runtime.pipeline.handle_inbound(
            InboundMessage(SLUG, "sms", "+18055550177", "hi, any civics?", "SMmatrix1")
        )
        with store.unit_of_work() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
            car = vehicles.list_vehicles(
                uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
            )[0]
            starts = datetime(2026, 3, 9, 11, tzinfo=ZoneInfo("America/Los_Angeles"))
            booked = appointments.create_appointment(
                uow,
                dealership_id=dealer_id,
                vehicle_id=car.id,
                customer_id=_customer(uow, turn.conversation_id),
                staff_id=maria.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=30),
                source="test",
            )
            handoff = handoffs.create_handoff(
                uow,
                dealership_id=dealer_id,
                conversation_id=turn.conversation_id,
                customer_id=_customer(uow, turn.conversation_id),
                reasons=["human_requested"],
                confidence=1.0,
            )
        params = {
            "public_id": turn.public_id,
            "appointment_id": str(booked.id),
            "slug": SLUG,
            "handoff_id": str(handoff.id),
            "alert_id": "1",  # an alert's signed page (none exists: the link is refused first)
            "staff_id": str(maria.id),
            "token": booked.token,
            "reply_id": "1",  # a canned reply (none exists: the rule answers first)
            "stock": car.stock,
            "customer_id": str(handoff.customer_id),
        }
        yield World(client, store, params)
    store.dispose()


def _customer(uow: Any, conversation_id: int) -> int:
    from crm_store import conversations

    return conversations.get_conversation(uow, conversation_id=conversation_id).customer_id


def _rules(dependant: Dependant) -> list[str]:
    found = auth.access_of([dependant.call]) if dependant.call else []
    for sub in dependant.dependencies:
        found.extend(_rules(sub))
    return found


def _routes(client: TestClient) -> list[tuple[str, set[str], list[str]]]:
    """(path, methods, rules) of every route the app serves."""
    table = []
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if isinstance(route, APIRoute):
            table.append((context.path, set(context.methods), _rules(context.dependant)))
        elif isinstance(route, APIWebSocketRoute):
            table.append((context.path, {"WEBSOCKET"}, _rules(context.dependant)))
        elif isinstance(route, Route) and route.path in FRAMEWORK:
            continue
        else:
            table.append((str(context.path or route), set(), []))
    return table


def _url(path: str, params: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in params, f"{path}: no example value for path parameter {name!r}; add one"
        return params[name]

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, path)


def _answer(world: World, method: str, path: str, headers: dict[str, str]) -> Any:
    url = _url(path, world.params)
    body = BODIES.get(path)
    query = QUERIES.get(path)
    world.client.cookies.clear()  # only the credential given here
    return world.client.request(
        method, url, json=body, params=query, headers=headers, follow_redirects=False
    )


def _call(world: World, method: str, path: str, headers: dict[str, str]) -> int:
    return int(_answer(world, method, path, headers).status_code)


def session(world: World, slug: str, handle: str, *, csrf: bool = True) -> dict[str, str]:
    """A new console session of `handle` (a fresh one per call: a sign-out route ends it), as
    its cookie and, unless `csrf` is False, its CSRF header."""
    with world.store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        member = staff.find_staff(uow, dealership_id=dealer_id, handle=handle)
        record, token = staff_sessions.create_session(uow, staff_id=member.id, user_agent=None)
    headers = {"Cookie": f"{auth.SESSION_COOKIE}={token}"}
    if csrf:
        headers[auth.CSRF_HEADER] = record.csrf_secret
    return headers


def test_every_route_has_exactly_one_rule(world: World) -> None:
    table = _routes(world.client)
    assert len(table) >= 15
    missing = [f"{sorted(m)} {p}" for p, m, rules in table if len(rules) != 1]
    assert not missing, f"routes without exactly one authorisation rule: {missing}"
    for path, _methods, [rule] in table:
        kind, _, reason = rule.partition(": ")
        assert kind in {"public", "signed link", "token or session", "page", "scoped page"}, (
            path,
            rule,
        )
        assert reason.strip(), f"{path}: a rule must say why ({rule!r})"


def test_staff_routes_refuse_anonymous_other_dealership_and_wrong_role(world: World) -> None:
    other = bearer(api_token(world.store, OTHER))
    sales = bearer(api_token(world.store, SLUG, staff_handle="maria"))
    manager = bearer(api_token(world.store, SLUG, staff_handle="daniel"))
    integration = bearer(api_token(world.store, SLUG))
    checked = 0
    for path, methods, [rule] in _routes(world.client):
        if not rule.startswith("token or session: "):
            continue
        roles = set(rule.removeprefix("token or session: ").split(","))
        for method in methods:
            assert _call(world, method, path, {}) == 401, (method, path, "anonymous")
            bad = {"Authorization": "Bearer nst_" + "x" * 43}
            assert _call(world, method, path, bad) == 401, (method, path, "made-up token")
            made_up = {"Cookie": f"{auth.SESSION_COOKIE}={'x' * 43}"}
            assert _call(world, method, path, made_up) == 401, (method, path, "made-up session")
            assert _call(world, method, path, other) == 403, (method, path, "other dealership")
            carol = session(world, OTHER, "carol")  # a manager, of the other dealership
            assert _call(world, method, path, carol) == 403, (method, path, "other's session")
            for handle, token, role in (("maria", sales, "sales"), ("daniel", manager, "manager")):
                for credential in (token, session(world, SLUG, handle)):
                    status = _call(world, method, path, credential)
                    if role in roles:
                        assert status not in (401, 403), (method, path, role, status)
                    else:
                        assert status == 403, (method, path, role, status)
            if method in UNSAFE:
                for handle, role in (("maria", "sales"), ("daniel", "manager")):
                    bare = session(world, SLUG, handle, csrf=False)
                    answer = _answer(world, method, path, bare)
                    assert answer.status_code == 403, (method, path, handle, "no CSRF")
                    if role in roles:  # (a wrong role is refused first, for that reason)
                        assert "csrf" in answer.json()["detail"], (method, path)
                wrong = {**session(world, SLUG, "daniel"), auth.CSRF_HEADER: "x" * 43}
                answer = _answer(world, method, path, wrong)
                assert answer.status_code == 403 and "csrf" in answer.text, (method, path)
            assert _call(world, method, path, integration) not in (401, 403), (method, path)
            checked += 1
    assert checked >= 3  # staff messages, appointment status, show rate


def test_pages_send_anonymous_visitors_to_sign_in_and_want_a_session(world: World) -> None:
    integration = bearer(api_token(world.store, SLUG))
    checked = 0
    for path, methods, [rule] in _routes(world.client):
        if not rule.startswith(("page: ", "scoped page: ")):
            continue
        roles = set(rule.partition(": ")[2].split(","))
        assert not roles - {r.value for r in Role}, (path, "pages are for staff")
        for method in methods:
            for who, headers in (("anonymous", {}), ("API token", integration)):
                answer = _answer(world, method, path, headers)
                assert answer.status_code == 303, (method, path, who)
                assert answer.headers["location"].startswith("/console/sign-in"), (method, path)
            for slug, handle, role in (
                (SLUG, "maria", "sales"),
                (SLUG, "daniel", "manager"),
                (OTHER, "carol", "manager"),  # their own dealership's console
            ):
                status = _call(world, method, path, session(world, slug, handle))
                if role in roles:  # let in: it may still be another dealership's (404)
                    assert status not in (401, 403), (method, path, handle, status)
                else:
                    assert status == 403, (method, path, handle, status)
                if method in UNSAFE:
                    bare = session(world, slug, handle, csrf=False)
                    answer = _answer(world, method, path, bare)
                    assert answer.status_code == 403, (method, path, handle, "no CSRF")
                    if role in roles:  # (a wrong role is refused first, for that reason)
                        assert "csrf" in answer.text, (method, path)
            checked += 1
    assert checked >= 3  # home, sign out, sign out everywhere


def scoped_session(world: World, *, csrf: bool = True) -> dict[str, str]:
    """Maria's session opened by the world's handoff link: scoped to its conversation."""
    with world.store.unit_of_work() as uow:
        record, token = staff_sessions.create_session(
            uow,
            staff_id=int(world.params["staff_id"]),
            user_agent=None,
            handoff_id=int(world.params["handoff_id"]),
        )
    headers = {"Cookie": f"{auth.SESSION_COOKIE}={token}"}
    if csrf:
        headers[auth.CSRF_HEADER] = record.csrf_secret
    return headers


def test_a_handoff_links_session_opens_its_conversation_only(world: World) -> None:
    """A session opened by a signed handoff link: let in by the routes that opt in ("scoped
    page") for its own conversation; every other route answers it as an anonymous visitor
    (a page: to sign in) or with 403 (the API), and so does another conversation's page."""
    runtime = services_of(world.client.app).runtime()
    other = runtime.pipeline.handle_inbound(
        InboundMessage(SLUG, "sms", "+18055550178", "is the civic still there?", "SMmatrix2")
    )
    allowed = checked = 0
    for path, methods, [rule] in _routes(world.client):
        kind = rule.partition(": ")[0]
        if kind not in {"page", "scoped page", "token or session"}:
            continue
        for method in methods:
            headers = scoped_session(world)
            answer = _answer(world, method, path, headers)
            to_sign_in = answer.headers.get("location", "").startswith("/console/sign-in")
            if kind == "scoped page" and "{public_id}" in path:
                assert answer.status_code not in (401, 403) and not to_sign_in, (method, path)
                elsewhere = _url(path, {**world.params, "public_id": other.public_id})
                refused = world.client.request(
                    method, elsewhere, headers=headers, follow_redirects=False
                )
                assert refused.status_code == 303, (method, path, "another conversation")
                assert refused.headers["location"].startswith("/console/sign-in"), (method, path)
                if method in UNSAFE:
                    bare = _answer(world, method, path, scoped_session(world, csrf=False))
                    assert bare.status_code == 403 and "csrf" in bare.text, (method, path)
                allowed += 1
            elif kind == "token or session":
                assert answer.status_code == 403, (method, path)
                assert "handoff" in answer.json()["detail"], (method, path)
            else:
                assert answer.status_code == 303 and to_sign_in, (method, path, answer.status_code)
                if method == "GET":
                    assert "scope=handoff" in answer.headers["location"], (method, path)
            checked += 1
    assert allowed >= 6  # the page; claim, reply, note, hand back, status
    assert checked >= allowed + 3  # the inbox, home, assigning at least


def test_signed_link_routes_refuse_everything_but_their_link(world: World) -> None:
    integration = bearer(api_token(world.store, SLUG))
    forged = {"exp": str(2**31), "sig": "0" * 64}
    checked = 0
    for path, methods, [rule] in _routes(world.client):
        if not rule.startswith("signed link"):
            continue
        url = _url(path, world.params)
        for method in methods:
            for query in ({}, forged):
                answer = world.client.request(method, url, params=query, headers=integration)
                assert answer.status_code in (403, 422), (method, path, query)
                assert "transcript" not in answer.text
            checked += 1
    assert checked >= 5


def test_public_console_forms_want_their_pre_session_csrf_token(world: World) -> None:
    """Login CSRF: a public console route that changes something (ask for a link, sign in) is
    refused without the pre-session cookie and its `csrf` field, as another site's form is."""
    checked = 0
    for path, methods, [rule] in _routes(world.client):
        if not rule.startswith("public: ") or not path.startswith("/console/"):
            continue
        for method in methods & UNSAFE:
            answer = _answer(world, method, path, {})
            assert answer.status_code == 403 and "csrf" in answer.text, (method, path)
            checked += 1
    assert checked >= 3  # a link, a password, a link's Sign in button


def test_public_routes_never_ask_for_a_token(world: World) -> None:
    checked = 0
    for path, methods, [rule] in _routes(world.client):
        if not rule.startswith("public: ") or "GET" not in methods:
            continue
        status = world.client.get(_url(path, world.params), params=QUERIES.get(path)).status_code
        assert status != 401, path
        checked += 1
    assert checked >= 5
