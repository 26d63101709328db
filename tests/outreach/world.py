"""An outreach test world: the Harbor Point Honda lot (Ventura, CA), its customers with
consent as given, the outreach job handler on a job runner, and the outbox delivered through
the real TwilioSender to Twilio's API faked at the SDK's HTTP seam (every send recorded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from twilio.http.response import Response as TwilioResponse

from channels.twilio import TwilioSender
from contracts.clock import FrozenClock
from crm_store import customers, outreach
from crm_store.db import Store
from crm_store.records import DealershipRecord
from crm_store.types import Channel, Consent
from nightshift.jobs.delivery import Dispatcher
from nightshift.jobs.runner import JobRunner
from signals.outreach_config import OutreachConfig
from signals.outreach_send import OutreachJobs
from tests.channels.conftest_twilio import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    DEALER_PHONE,
    MESSAGES_URL,
    ScriptedTwilio,
    message_json,
)
from tests.factories import make_lot

LA = "America/Los_Angeles"


class EchoTwilio(ScriptedTwilio):
    """Twilio accepting every message: answers each POST with its Message resource."""

    def request(self, method: str, uri: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        data = kwargs.get("data") or (args[1] if len(args) > 1 else {}) or {}
        sid = f"SM{len(self.requests):032x}"
        self.script.append((201, message_json(sid, to=str(data["To"]), body=str(data["Body"]))))
        return super().request(method, uri, *args, **kwargs)


@dataclass
class World:
    store: Store
    clock: FrozenClock
    dealer: DealershipRecord
    twilio: EchoTwilio
    runner: JobRunner
    dispatcher: Dispatcher

    def deliver(self) -> None:
        """What the worker does at this moment: run the due sends, hand the outbox to Twilio."""
        self.runner.run_due()
        while self.dispatcher.run_once():
            pass

    def sent(self) -> list[tuple[str, str]]:
        """(To, Body) of every message Twilio received."""
        assert all(r.url == MESSAGES_URL for r in self.twilio.requests)
        return [(str(r.data["To"]), str(r.data["Body"])) for r in self.twilio.requests]

    def shopper(self, phone: str, consent: Consent, *, timezone: str | None = None) -> int:
        return self.shoppers({phone: consent}, timezone=timezone)[0]

    def shoppers(self, consents: dict[str, Consent], *, timezone: str | None = None) -> list[int]:
        """Customers with these phones and consents (in one transaction), their ids."""
        ids = []
        with self.store.unit_of_work() as uow:
            for phone, consent in consents.items():
                found = customers.upsert_customer(uow, dealership_id=self.dealer.id, phone=phone)
                if consent is not Consent.UNKNOWN:
                    customers.record_consent(
                        uow, customer_id=found.id, state=consent, source="showroom_form"
                    )
                if timezone:
                    outreach.set_timezone(uow, customer_id=found.id, timezone=timezone)
                ids.append(found.id)
        return ids


def make_world(store: Store, clock: FrozenClock, config: OutreachConfig | None) -> World:
    """`config` None: the handler reads the dealership's own settings, as the runtime's does."""
    dealer = make_lot(store).dealer
    twilio = EchoTwilio()
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, from_number=DEALER_PHONE, http_client=twilio)
    dispatcher = Dispatcher(store, {Channel.SMS: sender}, clock)
    runner = JobRunner(store, OutreachJobs(store, config, on_queued=lambda: None).handlers())
    return World(store, clock, dealer, twilio, runner, dispatcher)


def local(hour: int, minute: int = 0, second: int = 0, *, day: int = 6, zone: str = LA) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=ZoneInfo(zone))
