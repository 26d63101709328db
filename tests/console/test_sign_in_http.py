"""Signing in to the staff console over HTTP, through the real app: links by e-mail, the
confirm page, the session cookie, the pre-session CSRF token of the sign-in forms, CSRF on
sign-out, sign out everywhere, rate limits.

As a browser does, every sign-in post here first GETs the page that shows its form, which
sets the `ns_presign` cookie and puts the matching `csrf` field in the form (`form_of`)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from contracts.clock import FrozenClock
from contracts.redact import redact_secrets
from crm_store import dealerships
from crm_store.types import LinkPurpose
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.http.services import Services
from nightshift.infra.logs import UvicornRedaction
from nightshift.infra.mail import LogMailer
from tests.demo import SLUG
from tests.security.conftest import prepare_demo

MARIA = "maria.lopez@harborpointhonda.example"
DANIEL = "daniel.brooks@harborpointhonda.example"
BASE = "http://testserver"
SIGN_IN = "/console/sign-in"
PRESIGN = "ns_presign"
EXPIRED = "csrf: the sign-in form expired; reload the page"


@pytest.fixture
def client(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> Iterator[TestClient]:
    settings = prepare_demo(tmp_path, models_dir, clock, inline_worker=False, log_bodies=True)
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        yield client


def _services(client: TestClient) -> Services:
    return services_of(client.app)


def link_path(
    client: TestClient, email: str = MARIA, purpose: LinkPurpose = LinkPurpose.LOGIN
) -> str:
    """A fresh one-time link's path, issued as the CLI issues it."""
    services = _services(client)
    with services.store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
    asked = services.accounts.request_link(dealership_id=dealer_id, email=email, purpose=purpose)
    assert asked.link is not None, asked.refused
    return "/console/sign-in/" + asked.link.url.rsplit("/", 1)[1]


def csrf_field(html: str) -> str:
    """The value of the page's (first) hidden `csrf` field."""
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def form_of(client: TestClient, page: str = SIGN_IN) -> dict[str, str]:
    """GET `page` (the sign-in page, or a link's page) as a browser does before posting its
    form: the form's `csrf` field, for the pre-session cookie the page set on `client`."""
    answer = client.get(page)
    assert answer.status_code == 200, answer.text
    assert PRESIGN in client.cookies
    return {"csrf": csrf_field(answer.text)}


def redeem(client: TestClient, path: str, **fields: str) -> Any:
    """Press the Sign in button of the link page `path` (opened first, as in a browser)."""
    return client.post(path, data={**form_of(client, path), **fields})


def sign_in(client: TestClient, email: str = MARIA) -> str:
    """Sign `client` in by a link; the session's CSRF token (read from the home page)."""
    answer = redeem(client, link_path(client, email), next="/console")
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    home = client.get("/console")
    assert home.status_code == 200
    return csrf_field(home.text)


def test_asking_for_a_link_answers_the_same_for_any_email_and_mails_only_staff(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    mailer = _services(client).mailer
    assert isinstance(mailer, LogMailer)
    caplog.set_level(logging.DEBUG)
    form = form_of(client)
    known = client.post("/console/sign-in/link", data={**form, "email": MARIA, "dealership": SLUG})
    unknown = client.post(
        "/console/sign-in/link",
        data={**form, "email": "nobody@example.com", "dealership": SLUG},
    )
    assert known.status_code == unknown.status_code == 200
    notice = "If that address belongs to staff of Harbor Point Honda, a sign-in link is on its way"
    assert notice in known.text and notice in unknown.text
    [sent] = mailer.sent
    assert sent["To"] == MARIA
    body = sent.get_body().get_content()  # type: ignore[union-attr]
    url = next(line for line in body.splitlines() if "/console/sign-in/" in line)
    token = url.rsplit("/", 1)[1]
    assert len(token) > 30
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "EMAIL NOT SENT" in logged  # the body was logged (log_bodies) ...
    assert token not in logged  # ... with the link's token hidden
    # the mailed link works
    assert redeem(client, url.removeprefix("http://127.0.0.1:8000")).status_code == 303


def test_a_link_opens_a_confirm_page_and_signs_in_once(client: TestClient) -> None:
    path = link_path(client)
    page = client.get(path)
    assert page.status_code == 200 and "Sign in" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "script-src" not in page.headers["content-security-policy"]  # no scripts at all
    assert f'action="{path}"' in page.text
    presign = page.headers["set-cookie"]
    assert presign.startswith("ns_presign=")
    for attribute in ("HttpOnly", "Max-Age=3600", "Path=/console/sign-in", "SameSite=strict"):
        assert attribute in presign, presign
    redeemed = client.post(path, data={"next": "/console", "csrf": csrf_field(page.text)})
    # (the GET used nothing)
    assert redeemed.status_code == 303 and redeemed.headers["location"] == "/console"
    cookie = redeemed.headers["set-cookie"]
    assert cookie.startswith("ns_session=")
    for attribute in ("HttpOnly", "Max-Age=43200", "Path=/", "SameSite=lax"):
        assert attribute in cookie, cookie
    assert "Secure" not in cookie  # PUBLIC_BASE_URL is http here
    home = client.get("/console")
    assert home.status_code == 200
    assert "Signed in as <strong>Maria Lopez</strong> (sales), Harbor Point Honda" in home.text
    assert home.headers["cache-control"] == "no-store"
    again = redeem(TestClient(client.app, base_url=BASE, follow_redirects=False), path)
    assert again.status_code == 400 and "not valid" in again.text
    assert "set-cookie" not in again.headers


def test_an_expired_link_does_not_sign_in(client: TestClient, clock: FrozenClock) -> None:
    path = link_path(client)
    form = form_of(client, path)
    clock.advance(timedelta(minutes=15))
    answer = client.post(path, data=form)
    assert answer.status_code == 400 and "expired" in answer.text
    assert client.get("/console").status_code == 303


def test_anonymous_pages_redirect_to_sign_in_and_back(client: TestClient) -> None:
    answer = client.get("/console")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/sign-in"
    deep = client.get("/console/sign-in/x", params={"next": "/console?tab=mine"})
    assert 'name="next" value="/console?tab=mine"' in deep.text
    for outside in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        answer = redeem(client, link_path(client), next=outside)
        assert answer.headers["location"] == "/console", outside
    answer = redeem(client, link_path(client), next="/console?tab=mine")
    assert answer.headers["location"] == "/console?tab=mine"


def test_sign_in_posts_without_the_pre_session_token_are_refused_and_do_nothing(
    client: TestClient,
) -> None:
    services = _services(client)
    sign_in(client, DANIEL)
    session = services.accounts.check(client.cookies["ns_session"])
    assert session is not None
    services.accounts.set_password(session, "harbor point night shift")
    path = link_path(client)
    ask = {"email": DANIEL, "dealership": SLUG}
    posts: tuple[tuple[str, dict[str, str]], ...] = (
        (path, {}),
        ("/console/sign-in/link", ask),
        ("/console/sign-in/password", {**ask, "password": "harbor point night shift"}),
    )
    attacker = TestClient(client.app, base_url=BASE, follow_redirects=False)
    planted = form_of(attacker, path)  # a real field, for the attacker's cookie only
    victim = TestClient(client.app, base_url=BASE, follow_redirects=False)
    for target, fields in posts:  # another site's form: no cookie, a field or none
        for sent in ({}, planted, {"csrf": ""}):
            refused = victim.post(target, data={**fields, **sent})
            assert refused.status_code == 403 and EXPIRED in refused.text, (target, sent)
            assert "set-cookie" not in refused.headers
    mine = form_of(victim)  # with the victim's own cookie, only its own field will do
    flipped = ("1" if mine["csrf"][0] == "0" else "0") + mine["csrf"][1:]
    for target, fields in posts:
        for sent in ({}, planted, {"csrf": flipped}, {"csrf": mine["csrf"] * 2}):
            refused = victim.post(target, data={**fields, **sent})
            assert refused.status_code == 403 and EXPIRED in refused.text, (target, sent)
    mailer = services.mailer
    assert isinstance(mailer, LogMailer) and not mailer.sent  # no link was sent
    assert victim.get("/console").status_code == 303  # nor anyone signed in
    assert redeem(victim, path).status_code == 303  # and the link was not used up
    assert "(sales), Harbor Point Honda" in victim.get("/console").text


def test_the_pre_session_cookie_is_kept_so_two_open_forms_both_work(client: TestClient) -> None:
    first = form_of(client)
    cookie = client.cookies[PRESIGN]
    second = form_of(client, link_path(client))
    assert client.cookies[PRESIGN] == cookie and second == first
    other = TestClient(client.app, base_url=BASE, follow_redirects=False)
    assert form_of(other) != first  # each browser gets its own random cookie
    client.cookies.clear()
    page = client.get(SIGN_IN, headers={"Cookie": f"{PRESIGN}=chosen-by-someone-else"})
    assert page.headers["set-cookie"].startswith(f"{PRESIGN}=")
    assert "chosen-by-someone-else" not in page.headers["set-cookie"]  # junk is replaced


def test_sign_out_needs_the_csrf_token_and_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client)
    refused = client.post("/console/sign-out")
    assert refused.status_code == 403 and "csrf" in refused.text
    refused = client.post("/console/sign-out", data={"csrf": "x" + csrf[1:]})
    assert refused.status_code == 403
    assert client.get("/console").status_code == 200  # still signed in
    out = client.post("/console/sign-out", data={"csrf": csrf})
    assert out.status_code == 303
    assert out.headers["location"] == "/console/sign-in?signed_out=here"
    assert 'ns_session=""' in out.headers["set-cookie"]
    assert "You are signed out." in client.get(out.headers["location"]).text
    assert client.get("/console").status_code == 303


def test_sign_out_everywhere_ends_the_other_devices_session(client: TestClient) -> None:
    phone = TestClient(client.app, base_url=BASE, follow_redirects=False)
    sign_in(phone)
    csrf = sign_in(client)
    home = client.get("/console")
    assert home.text.count("<li>") == 2  # "your sessions": this one and the phone
    out = client.post("/console/sign-out-everywhere", data={"csrf": csrf})
    assert out.headers["location"] == "/console/sign-in?signed_out=everywhere"
    assert phone.get("/console").status_code == 303
    assert client.get("/console").status_code == 303


def test_a_password_signs_in_and_a_wrong_one_gets_the_generic_error(client: TestClient) -> None:
    services = _services(client)
    sign_in(client, DANIEL)
    session = services.accounts.check(client.cookies["ns_session"])
    assert session is not None
    services.accounts.set_password(session, "harbor point night shift")
    fresh = TestClient(client.app, base_url=BASE, follow_redirects=False)
    form = form_of(fresh)
    wrong = fresh.post(
        "/console/sign-in/password",
        data={**form, "email": DANIEL, "password": "not it at all", "dealership": SLUG},
    )
    unknown = fresh.post(
        "/console/sign-in/password",
        data={
            **form,
            "email": "nobody@example.com",
            "password": "not it at all",
            "dealership": SLUG,
        },
    )
    assert wrong.status_code == unknown.status_code == 400
    assert "do not match a staff account" in wrong.text and "do not match" in unknown.text
    assert csrf_field(wrong.text) == form["csrf"]  # the answer's form can be sent again
    right = fresh.post(
        "/console/sign-in/password",
        data={**form, "email": DANIEL, "password": "harbor point night shift", "dealership": SLUG},
    )
    assert right.status_code == 303
    assert "(manager), Harbor Point Honda" in fresh.get("/console").text


def test_sign_in_attempts_are_rate_limited_per_email(client: TestClient) -> None:
    ask = {**form_of(client), "email": MARIA, "dealership": SLUG}
    answers = [client.post("/console/sign-in/link", data=ask) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert int(answers[-1].headers["retry-after"]) > 60
    assert "Too many attempts" in answers[-1].text
    other = client.post("/console/sign-in/link", data={**ask, "email": DANIEL})
    assert other.status_code == 200  # another address is not held up by this one


def test_redeeming_is_rate_limited_per_client(client: TestClient) -> None:
    form = form_of(client)
    answers = [client.post(f"/console/sign-in/guess{n}", data=form) for n in range(31)]
    assert [a.status_code for a in answers[:30]] == [400] * 30
    assert answers[30].status_code == 429 and "retry-after" in answers[30].headers


def test_a_sign_in_token_never_reaches_an_access_log_line() -> None:
    token = "AbC-12_xyz" * 4
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/console/sign-in/{token}?next=/console", "1.1", 303),
        None,
    )
    UvicornRedaction().filter(record)
    assert token not in record.getMessage()
    assert "/console/sign-in/***?next=/console" in record.getMessage()
    assert redact_secrets("POST /console/sign-in/link") == "POST /console/sign-in/link"


def test_the_cookie_is_secure_when_the_site_is_https(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    settings = prepare_demo(
        tmp_path, models_dir, clock, inline_worker=False, public_base_url="https://night.example"
    )
    app = create_app(settings, clock=clock, models_dir=models_dir)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        path = link_path(client)
        assert path.startswith("/console/sign-in/")
        form = form_of(client, path)
        assert "Secure" in client.get(path).headers["set-cookie"]  # the pre-session one too
        answer = client.post(path, data=form)
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
