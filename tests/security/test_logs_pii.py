"""No personal data and no working secret in the logs: a demo conversation over SMS in which
the shopper types a phone number and an e-mail and asks for a person (the handoff pages staff
by SMS and e-mail through the log transports), a failing job whose error quotes the phone
number, and the signed handoff page, the calendar file and the web chat fetched through the
real uvicorn server with its access log on.

What is checked is what would be written: the records as formatted by the handler that
`configure_logging` installs, and uvicorn's own access and error lines.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from uvicorn.logging import AccessFormatter
from websockets.sync.client import connect

from contracts.clock import FrozenClock
from crm_store import appointments, customers, dealerships, jobs, vehicles
from crm_store.models import Job
from crm_store.types import VehicleStatus
from handoff.pagers import PAGE_EMAIL_JOB, STAFF_SMS_JOB
from nightshift.app import create_app
from nightshift.http.deps import services_of
from nightshift.infra.logs import UVICORN_LOGGERS, redacting_handler
from nightshift.runtime import Runtime
from nightshift.settings import Settings
from tests.demo import SLUG
from tests.helpers import free_port, wait_for
from tests.security.conftest import prepare_demo

TUESDAY_2PM = datetime(2026, 3, 10, 14, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
SHOPPER = "+18055550177"
PHONE_FORMS = ["+18055550177", "8055550177", "(805) 555-0177", "805-555-0177", "555-0177"]
EMAIL = "dana.ruiz@example.com"
SAID = (
    f"Hi, I'm Dana. My email is {EMAIL} and my cell is (805) 555-0177. "
    "Can I talk to a real person about the CR-V?"
)
SESSION = "s-secret-session-4242"
LINK = re.compile(r"/staff/handoffs/\d+/\d+\?exp=\d+&sig=([0-9a-f]{64})")


@dataclass
class Served:
    base: str
    runtime: Runtime
    app_log: io.StringIO  # our handler: redacting formatter
    uvicorn_log: io.StringIO  # uvicorn's access and error lines


@contextmanager
def served(settings: Settings, clock: FrozenClock, models_dir: Path) -> Iterator[Served]:
    """The real app under uvicorn (access log on), with the logging `configure_logging` sets
    up writing to a buffer, and uvicorn's loggers captured after uvicorn configured them."""
    app_log, uvicorn_log = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    ours = redacting_handler(logging.StreamHandler(app_log))
    old_level = root.level
    root.addHandler(ours)
    root.setLevel(logging.DEBUG)
    port = free_port()
    app = create_app(settings, clock=clock, models_dir=models_dir)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="info", access_log=True)
    server = uvicorn.Server(config)  # Config configured uvicorn's loggers: capture them now
    theirs = logging.StreamHandler(uvicorn_log)
    theirs.setFormatter(AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'))
    errors = logging.StreamHandler(uvicorn_log)
    logging.getLogger(UVICORN_LOGGERS[0]).addHandler(theirs)
    logging.getLogger(UVICORN_LOGGERS[1]).addHandler(errors)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
        yield Served(base, services_of(app).runtime(), app_log, uvicorn_log)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        root.removeHandler(ours)
        root.setLevel(old_level)
        logging.getLogger(UVICORN_LOGGERS[0]).removeHandler(theirs)
        logging.getLogger(UVICORN_LOGGERS[1]).removeHandler(errors)


def _settle(runtime: Runtime) -> None:
    """Run every due job and deliver the outbox until nothing is left."""
    while runtime.jobs.run_due() + runtime.dispatcher.run_once():
        pass


def _staff_pages(runtime: Runtime) -> list[str]:
    with runtime.store.reading() as uow:
        rows = uow.session.scalars(sa.select(Job).where(Job.kind == STAFF_SMS_JOB)).all()
        return [str(row.payload["body"]) for row in rows]


def _calendar_token(runtime: Runtime) -> str:
    with runtime.store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        car = vehicles.list_vehicles(
            uow, dealership_id=dealer_id, statuses=[VehicleStatus.AVAILABLE]
        )[0]
        shopper = customers.upsert_customer(uow, dealership_id=dealer_id, phone=SHOPPER)
        starts = TUESDAY_2PM + timedelta(days=1)
        return appointments.create_appointment(
            uow,
            dealership_id=dealer_id,
            vehicle_id=car.id,
            customer_id=shopper.id,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            source="test",
        ).token


def _a_job_fails_quoting_the_phone(runtime: Runtime) -> None:
    """A page job whose payload carries the phone where an id belongs: its traceback and
    stored error quote it (int() repeats the bad literal)."""
    with runtime.store.unit_of_work() as uow:
        jobs.schedule(
            uow,
            kind=PAGE_EMAIL_JOB,
            key="pii-test",
            payload={"handoff_id": "(805) 555-0177", "staff_id": EMAIL},
        )
    runtime.jobs.run_due()


def _play(served: Served) -> tuple[str, str]:
    """The whole story; returns the handoff link's signature and the calendar token."""
    sms = {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": SHOPPER,
        "To": "+18055550100",
        "Body": SAID,
        "NumMedia": "0",
    }
    answer = httpx.post(served.base + "/channels/twilio/sms", data=sms, timeout=30)
    assert answer.status_code == 200, answer.text
    _settle(served.runtime)
    pages = _staff_pages(served.runtime)
    assert pages, "the handoff paged nobody by SMS"
    link = LINK.search(pages[0])
    assert link is not None, pages[0]
    _a_job_fails_quoting_the_phone(served.runtime)

    page = httpx.get(served.base + link.group(0), timeout=30)
    assert page.status_code == 200
    token = _calendar_token(served.runtime)
    ics = httpx.get(f"{served.base}/appointments/{token}.ics", timeout=30)
    assert ics.status_code == 200 and "BEGIN:VCALENDAR" in ics.text
    history = httpx.get(
        f"{served.base}/channels/web/{SLUG}/history", params={"session": SESSION}, timeout=30
    )
    assert history.status_code == 200
    ws_url = served.base.replace("http", "ws") + f"/channels/web/{SLUG}/ws?session={SESSION}"
    with connect(ws_url, open_timeout=30) as ws:
        assert '"hello"' in str(ws.recv(timeout=30))
    return link.group(1), token


def _assert_no_secrets(text: str, sig: str, token: str) -> None:
    assert sig not in text
    assert token not in text
    assert SESSION not in text


def _assert_no_pii(text: str) -> None:
    for form in PHONE_FORMS:
        assert form not in text, form
    assert EMAIL not in text


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(TUESDAY_2PM)  # staff on shift: the handoff pages at once


def test_logs_carry_no_phone_email_text_link_or_token(
    tmp_path: Path, models_dir: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = prepare_demo(
        tmp_path, models_dir, clock, inline_worker=False, handoff_pagers="sms,email"
    )
    caplog.set_level(logging.DEBUG)
    with served(settings, clock, models_dir) as world:
        sig, token = _play(world)
    written, access = world.app_log.getvalue(), world.uvicorn_log.getvalue()
    everything = written + access

    assert "SMS NOT SENT" in written and "EMAIL NOT SENT" in written
    assert "job_failed" in written and "Traceback" in written  # the failure was logged...
    assert "ValueError" in written  # ...with its traceback, masked
    assert "/staff/handoffs/" in access and "sig=***" in access
    assert "/appointments/***.ics" in access and "session=***" in access
    _assert_no_pii(everything)
    _assert_no_secrets(everything, sig, token)
    assert "real person" not in written  # the shopper's words stay out
    assert "length=" in written
    # The transports say nothing personal at the source either (any handler, any format).
    transport = [r.getMessage() for r in caplog.records if "NOT SENT" in r.getMessage()]
    assert transport and not any(EMAIL in m or "555-0177" in m for m in transport)
    assert not any(sig in m or "real person" in m for m in transport)


def test_log_bodies_shows_the_text_but_not_links_or_tokens(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    settings = prepare_demo(
        tmp_path,
        models_dir,
        clock,
        inline_worker=False,
        handoff_pagers="sms,email",
        log_bodies=True,
    )
    with served(settings, clock, models_dir) as world:
        sig, token = _play(world)
    written = world.app_log.getvalue()
    everything = written + world.uvicorn_log.getvalue()

    sms_lines = [line for line in written.splitlines() if "SMS NOT SENT" in line]
    assert any("Reply 1 to take it" in line for line in sms_lines)  # the page's body is there
    assert any("sig=***" in line for line in sms_lines)  # its link is not usable
    assert "Handoff page:" in written  # the e-mail page's body too
    _assert_no_secrets(everything, sig, token)
    _assert_no_pii(everything)
