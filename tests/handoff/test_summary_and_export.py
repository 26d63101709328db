"""The handoff summary checked field by field for a full conversation (vehicle, appointment,
trade-in, last question), its ADF lead, and the configurable pagers: ADF e-mail to the CRM and
the HMAC-signed JSON webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from lxml import etree

from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import dealerships, handoffs, migrate, timeline
from handoff import details
from handoff.adf import adf_lead, validate_adf
from nightshift.infra.mail import LogMailer
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.settings import Settings
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG

PHONE = "+18055550166"
TRADE = "i have a 2015 civic with 80k miles to trade in, what would you give me for it?"
CONVERSATION = [
    "do you have a subaru outback?",
    "yes, that one. sunday at 2pm?",
    "my name is Dana Ruiz, dana@example.com",
    TRADE,
]


@contextmanager
def world(
    tmp_path: Path, models_dir: Path, clock: FrozenClock, **settings: Any
) -> Iterator[Runtime]:
    config = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/nightshift.db",
        data_dir=tmp_path,
        public_base_url="https://dealer.example",
        **settings,
    )
    migrate.upgrade(config.database_url)
    with open_runtime(config, clock=clock, models_dir=models_dir) as runtime:
        apply_world(runtime.store, load_world_file(DEMO))
        sync_world_knowledge(runtime.store, runtime.knowledge, SLUG)
        yield runtime


def converse(runtime: Runtime) -> int:
    for text in CONVERSATION:
        runtime.pipeline.handle_inbound(InboundMessage(SLUG, "sms", PHONE, text))
    runtime.jobs.run_due()
    with runtime.store.reading() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        [found] = handoffs.list_handoffs(uow, dealership_id=dealer.id)
    return found.id


def test_the_summary_field_by_field(tmp_path: Path, models_dir: Path, clock: FrozenClock) -> None:
    with world(tmp_path, models_dir, clock) as runtime:
        handoff_id = converse(runtime)
        with runtime.store.reading() as uow:
            found = handoffs.get_handoff(uow, handoff_id=handoff_id)
            events = timeline.customer_timeline(uow, customer_id=found.customer_id)
    s = found.summary
    assert found.reasons == ("trade_in",) and s["reasons"] == ["trade_in"]
    assert s["customer"] == {
        "name": "Dana Ruiz",
        "phone": PHONE,
        "email": "dana@example.com",
        "other_contacts": [],
    }
    assert s["channel"] == "sms"
    [car] = s["vehicles"]
    assert (car["stock"], car["year"], car["make"], car["model"]) == (
        "U2306",
        2021,
        "Subaru",
        "Outback",
    )
    assert car["price"] == "24995.00" and car["vin"] == "4S4BTACC8M3247391"
    assert s["appointment"] == {
        "id": 1,
        "starts_at": "2026-03-08T14:00",
        "stock": "U2306",
        "status": "booked",
        "staff": "Jake Thompson",
    }
    assert s["trade_in"] == "2015 Civic, 80,000 miles"
    assert s["last_question"] == TRADE
    assert s["sentiment"] == "neutral"
    assert "appraisal" in s["next_step"]
    assert s["transcript_url"] == f"https://dealer.example/staff/handoffs/{handoff_id}#transcript"
    assert s["dealership"]["name"] == "Harbor Point Honda"
    # the lead score: the booked drive, the trade-in just mentioned, the car asked about
    assert s["lead_score"]["text"] == (
        "58: booked test drive (+30), last active just now (+10), trade-in mentioned (+10),"
        " asked about U2306 by text (+8)"
    )
    assert s["lead_score"]["value"] == 58
    assert s["lead_score"]["reasons"][0] == {
        "code": "test_drive_booked",
        "words": "booked test drive",
        "points": 30,
    }
    summaries = [e.data["summary"] for e in events if e.kind == "handoff_summary"]
    assert summaries and summaries[-1] == s  # the same summary is on the customer's timeline

    xml = adf_lead(s)  # type: ignore[arg-type]
    assert validate_adf(xml) == []
    lead = etree.fromstring(xml)
    assert lead.xpath("string(//prospect/requestdate)").startswith("2026-03-06T21:40")
    assert lead.xpath("string(//vehicle/stock)") == "U2306"
    assert lead.xpath("string(//vehicle/@interest)") == "test-drive"
    assert lead.xpath("string(//vehicle/price)") in ("24995.00", "24995")
    assert lead.xpath("string(//customer/contact/name)") == "Dana Ruiz"
    assert lead.xpath("string(//customer/contact/email)") == "dana@example.com"
    comments = lead.xpath("string(//customer/comments)")
    assert TRADE in comments and "2015 Civic, 80,000 miles" in comments
    assert comments.splitlines()[1] == "Lead score: " + s["lead_score"]["text"]
    assert lead.xpath("string(//vendor/vendorname)") == "Harbor Point Honda"


def test_the_adf_lead_is_emailed_to_the_crm(
    tmp_path: Path, models_dir: Path, clock: FrozenClock
) -> None:
    with world(tmp_path, models_dir, clock, adf_lead_email="leads@crm.example") as runtime:
        converse(runtime)
        mailer = runtime.mailer
    assert isinstance(mailer, LogMailer)
    [lead] = [m for m in mailer.sent if m["To"] == "leads@crm.example"]
    body = lead.get_content().encode()
    assert validate_adf(body) == [] and b"<stock>U2306</stock>" in body


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


def test_the_webhook_pager_posts_a_signed_summary(tmp_path: Path, models_dir: Path) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks/handoff"
    monday = FrozenClock(datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Los_Angeles")))
    try:
        with world(
            tmp_path,
            models_dir,
            monday,
            handoff_pagers="webhook",
            handoff_webhook_url=url,
            handoff_webhook_secret="s3cret",
        ) as runtime:
            handoff_id = converse(runtime)
    finally:
        server.shutdown()
    [(headers, body)] = _Receiver.received
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Nightshift-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "handoff.paged" and payload["handoff_id"] == handoff_id
    assert payload["reasons"] == ["trade_in"] and payload["staff"]["handle"] == "maria"
    assert payload["summary"]["trade_in"] == "2015 Civic, 80,000 miles"
    assert "/staff/handoffs/" in payload["link"] and "sig=" in payload["link"]


def test_trade_in_financing_and_budget_notes() -> None:
    assert details.trade_in(["what's my 2019 toyota camry worth? 45,000 miles"]) == (
        "2019 Toyota Camry, 45,000 miles"
    )
    assert details.trade_in(["do you have a 2022 tacoma"]) is None
    assert details.financing(["credit score is 640, can put 3k down, ~$400 a month"]) == (
        "credit score 640; $3,000 down; about $400/month"
    )
    assert details.financing(["i have bad credit can i still get approved"]) == (
        "bad credit (own words)"
    )
    assert details.financing(["do you have the outback"]) is None
    assert details.budget(["need an suv under 30k"]) == "up to $30,000"
