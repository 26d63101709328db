"""A password change ends the staff member's other sessions (Accounts and the home page's
form over HTTP), and the daily cleanup job purges old sign-in links and ended sessions as
the clock moves on, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from console.accounts import Accounts
from console.cleanup import CLEANUP_JOB, SignInCleanup
from console.config import ConsoleConfig
from console.passwords import Passwords
from contracts.clock import FrozenClock
from crm_store import audit, dealerships, jobs, sign_in, staff, staff_sessions
from crm_store.db import Store
from crm_store.errors import InvalidValue
from crm_store.models import SignInLink, StaffSession
from crm_store.types import JobStatus, LinkPurpose
from nightshift.http.auth import SESSION_COOKIE
from nightshift.http.deps import services_of
from nightshift.jobs.runner import JobRunner
from tests.console.test_accounts import FAST, PASSPHRASE
from tests.console.test_sign_in_http import BASE
from tests.console.test_sign_in_http import sign_in as console_sign_in
from tests.demo import SLUG
from tests.factories import make_lot
from tests.store.test_session_scope_and_cleanup import ids_of


def test_setting_a_password_ends_the_other_sessions_only(store: Store) -> None:
    lot = make_lot(store)
    accounts = Accounts(store, ConsoleConfig("https://night.example"), Passwords(FAST))
    with store.unit_of_work() as uow:
        here, here_token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        phone = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[1]
        tablet = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[1]
    assert accounts.set_password(here, PASSPHRASE) == 2
    assert accounts.check(here_token) is not None
    assert accounts.check(phone) is None and accounts.check(tablet) is None
    assert accounts.set_password(here, None) == 0  # removing it: nobody else left to end
    with store.reading() as uow:
        entries = audit.entries(uow, dealership_id=lot.dealer.id)
    changes = [(e.action, e.detail) for e in entries if e.action.startswith("console_password")]
    assert sorted(changes) == [
        ("console_password_removed", {"other_sessions_ended": 0}),
        ("console_password_set", {"other_sessions_ended": 2}),
    ]


def test_a_set_password_changes_only_with_it_or_right_after_a_sign_in(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    accounts = Accounts(store, ConsoleConfig("https://night.example"), Passwords(FAST))
    with store.unit_of_work() as uow:
        here = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[0]
    accounts.set_password(here, PASSPHRASE)  # none set before: no current one to give
    clock.advance(timedelta(minutes=11))  # a cookie left on a shared computer, later
    other = "another long passphrase for the lot"
    for current in (None, "", "not the passphrase at all"):
        with pytest.raises(InvalidValue) as refused:
            accounts.set_password(here, other, current=current)
        assert refused.value.field == "current_password"
    assert accounts.set_password(here, other, current=PASSPHRASE) == 0
    with store.unit_of_work() as uow:  # forgotten: a new sign-in link, then a new password
        fresh = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)[0]
    clock.advance(timedelta(minutes=9))
    assert accounts.set_password(fresh, PASSPHRASE) == 1  # `here` is signed out
    with store.reading() as uow:
        actions = [e.action for e in audit.entries(uow, dealership_id=lot.dealer.id)]
    assert actions.count("console_password_refused") == 3
    assert actions.count("console_password_set") == 3


def test_the_password_form_says_how_many_sessions_were_signed_out(client: TestClient) -> None:
    csrf = console_sign_in(client)
    services = services_of(client.app)
    with services.store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        maria = staff.find_staff(uow, dealership_id=dealer_id, handle="maria")
        _, elsewhere = staff_sessions.create_session(uow, staff_id=maria.id, user_agent="Phone")
    phone = TestClient(client.app, base_url=BASE, follow_redirects=False)  # another device
    phone.cookies.set(SESSION_COOKIE, elsewhere)
    assert phone.get("/console").status_code == 200

    assert 'name="current_password"' not in client.get("/console").text  # none set yet
    short = client.post("/console/password", data={"csrf": csrf, "password": "hunter2"})
    assert short.status_code == 422 and "password" in short.text
    assert phone.get("/console").status_code == 200  # nothing changed
    no_csrf = client.post("/console/password", data={"password": PASSPHRASE})
    assert no_csrf.status_code == 403

    changed = client.post("/console/password", data={"csrf": csrf, "password": PASSPHRASE})
    assert changed.status_code == 303
    home = client.get(changed.headers["location"])
    assert home.status_code == 200
    assert "Password set. 1 other session was signed out." in home.text
    assert 'name="current_password"' in home.text  # a later change asks for it
    gone = phone.get("/console")
    assert gone.status_code == 303 and gone.headers["location"].startswith("/console/sign-in")


def test_the_daily_cleanup_purges_what_ended_over_30_days_ago(
    store: Store, clock: FrozenClock
) -> None:
    lot = make_lot(store)
    config = ConsoleConfig("https://night.example")
    cleanup = SignInCleanup(store, config)
    runner = JobRunner(store, cleanup.handlers())
    with store.unit_of_work() as uow:
        old, _ = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        staff_sessions.revoke_session(uow, staff_id=lot.rep.id, session_id=old.id)
        sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.LOGIN)
    first = cleanup.schedule_next()  # (now is 2026-03-07 05:40 UTC)
    assert first == datetime(2026, 3, 8, 3, tzinfo=UTC)  # the coming 03:00 UTC
    assert cleanup.schedule_next() == first  # once, however many workers start
    assert runner.run_due() == 0

    clock.advance(timedelta(days=29))  # a first run: nothing has been over 30 days yet
    assert runner.run_due() == 1
    assert ids_of(store, StaffSession) == {old.id} and len(ids_of(store, SignInLink)) == 1

    clock.advance(timedelta(days=2))  # now they have (2026-04-07 04:40 UTC)
    with store.unit_of_work() as uow:
        live, live_token = staff_sessions.create_session(uow, staff_id=lot.rep.id, user_agent=None)
        invite, _ = sign_in.issue_link(uow, staff_id=lot.rep.id, purpose=LinkPurpose.INVITE)
    assert runner.run_due() == 1
    assert ids_of(store, StaffSession) == {live.id}  # the live session is never deleted
    assert ids_of(store, SignInLink) == {invite.id}  # nor a link that still works
    with store.reading() as uow:
        assert staff_sessions.authenticate(uow, token=live_token) is not None
        waiting = jobs.pending(uow, kinds=[CLEANUP_JOB])
        done = jobs.handled(uow, kinds=[CLEANUP_JOB])
    assert [job.run_at for job in waiting] == [datetime(2026, 4, 8, 3, tzinfo=UTC)]
    assert [job.status for job in done] == [JobStatus.DONE, JobStatus.DONE]
