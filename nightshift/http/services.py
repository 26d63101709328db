"""What the routes and the channel adapters reach of the running app: one typed holder.

Routers are built when the app is created, the runtime only in its lifespan; so `create_app`
makes one `Services` first, hands it to whatever is built before the runtime, and the
lifespan fills it once: `start(runtime)` when the assistant opened, `degrade(store)` when it
could not. Routes receive it through one FastAPI dependency (`nightshift.http.deps`); the
channel adapters receive it as their `Inbox`, `Bus` and store. Each of those calls reaches
the runtime, so while the assistant is unavailable conversation endpoints answer 503, and
/healthz (on the plain store) still answers and says what is wrong.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from console.accounts import Accounts
from console.canned import CannedReplies
from console.config import ConsoleConfig
from console.inbox import Inbox
from console.passwords import Passwords
from console.review import Review
from contracts.mail import Mailer
from contracts.messages import Accepted, InboundMessage
from crm_store.db import Store
from crm_store.uow import UnitOfWork
from nightshift.http.sign_in_limits import SignInLimits
from nightshift.infra.mail import build_mailer
from nightshift.runtime import Runtime
from nightshift.settings import Settings


class RuntimeUnavailable(RuntimeError):
    """The assistant could not start (see /healthz); conversation endpoints answer 503."""


class Services:
    """The app's settings, its store, the runtime when it opened, the signing key of the
    staff links (read once), and the console's accounts, mailer and sign-in limits."""

    def __init__(self, settings: Settings, *, sign_in_limits: SignInLimits) -> None:
        self.settings = settings
        self.sign_in_limits = sign_in_limits
        self._runtime: Runtime | None = None
        self._store: Store | None = None
        self._signing_key: bytes | None = None
        self._accounts: Accounts | None = None
        self._mailer: Mailer | None = None
        self._inbox: Inbox | None = None
        self._canned: CannedReplies | None = None
        self._review: Review | None = None

    def start(self, runtime: Runtime) -> None:
        """The lifespan opened the runtime: everything is served."""
        self._runtime = runtime
        self._store = runtime.store
        self._signing_key = runtime.handoffs.config.signing_key
        self._accounts = self._console_accounts(runtime.store)
        self._mailer = runtime.mailer
        self._inbox = Inbox(runtime.store)
        self._canned = CannedReplies(runtime.store, slots_of=runtime.handoffs.slots_of)
        self._review = Review(runtime.store)

    def degrade(self, store: Store) -> None:
        """The runtime could not open: the plain store serves health, the reads and the
        console's sign-in."""
        self._runtime, self._store, self._signing_key = None, store, None
        self._accounts = self._console_accounts(store)
        self._mailer = build_mailer(self.settings)
        self._inbox, self._canned = Inbox(store), CannedReplies(store)
        self._review = Review(store)

    def _console_accounts(self, store: Store) -> Accounts:
        live_poll = timedelta(seconds=self.settings.console_live_poll_seconds)
        config = ConsoleConfig(self.settings.public_base_url, live_poll=live_poll)
        return Accounts(store, config, Passwords())

    @property
    def store(self) -> Store:
        """The CRM store: the runtime's, or the plain one of a degraded start."""
        if self._store is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._store

    @property
    def signing_key(self) -> bytes:
        """The key of the signed staff links: the runtime's, else read from the settings on
        first use (a degraded start still serves the handoff page)."""
        if self._signing_key is None:
            self._signing_key = self.settings.signing_key()
        return self._signing_key

    @property
    def accounts(self) -> Accounts:
        """The console's accounts: sign-in links, passwords and sessions."""
        if self._accounts is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._accounts

    @property
    def mailer(self) -> Mailer:
        """The runtime's mailer (SMTP, or the log transport without SMTP settings)."""
        if self._mailer is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._mailer

    @property
    def inbox(self) -> Inbox:
        """The console's inbox: its lists, a conversation's page and the staff actions."""
        if self._inbox is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._inbox

    @property
    def canned(self) -> CannedReplies:
        """The console's canned replies (`{vehicle}` from the dialogue state when running)."""
        if self._canned is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._canned

    @property
    def review(self) -> Review:
        """The managers' transcript review: search, flags, the queue, the CSV."""
        if self._review is None:
            raise RuntimeError("the app has not started: its lifespan fills Services")
        return self._review

    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeUnavailable("the assistant is not available; see /healthz")
        return self._runtime

    def kick_delivery(self) -> None:
        """Wake this process's outbox worker (a route committed a message); without a
        runtime there is none, and the message waits in the outbox."""
        if self._runtime is not None:
            self._runtime.dispatcher.kick()

    def wake_jobs(self) -> None:
        """Wake this process's job runner (a route committed a job due now, such as an
        alert's routing); without a runtime the job waits for a worker."""
        if self._runtime is not None:
            self._runtime.jobs.wake()

    # -- the channels' Inbox (contracts.channels) -----------------------------------------

    def accept(self, inbound: InboundMessage) -> Accepted:
        return self.runtime().pipeline.accept(inbound)

    def process_later(self, accepted: Accepted) -> None:
        self.runtime().pipeline.process_later(accepted)

    def receive(self, inbound: InboundMessage) -> bool:
        return self.runtime().pipeline.receive(inbound)

    # -- the channels' Bus --------------------------------------------------------------

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        self.runtime().bus.publish(topic, event)

    def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        return self.runtime().bus.subscribe(topic)

    # -- the store as the channels reach it (through the runtime, so 503 without it) ----

    def unit_of_work(self) -> UnitOfWork:
        return self.runtime().store.unit_of_work()

    def reading(self) -> UnitOfWork:
        return self.runtime().store.reading()
