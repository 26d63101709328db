"""What a turn runs with: the dependencies (store, knowledge, clock) and who is talking."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from agent.inventory import InventoryCache
from contracts.clock import Clock
from crm_store.availability import DEFAULT_POLICY, BookingPolicy
from crm_store.db import Store
from crm_store.records import DealershipRecord


class PassageLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def score(self) -> float: ...


class KnowledgePort(Protocol):
    """Retrieval over the dealership's knowledge (implemented by `knowledge.KnowledgeBase`)."""

    def search(self, dealership: str, query: str, k: int = 4) -> Sequence[PassageLike]: ...


@dataclass(frozen=True)
class AgentDeps:
    store: Store
    knowledge: KnowledgePort
    clock: Clock
    booking: BookingPolicy = DEFAULT_POLICY
    public_base_url: str = ""  # for the shopper's calendar link; none when empty
    # The escalation rules in code (`handoff.detect`, injected by nightshift): the reasons a
    # message needs a person, most important first; the offline engine hands off on them.
    escalation: Callable[[str], Sequence[str]] | None = None
    inventory: InventoryCache = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inventory", InventoryCache(self.store))


@dataclass(frozen=True, eq=False)  # one turn is one context: hashed by identity
class TurnContext:
    """Who and where: fixed for the duration of one turn. The dealership is its record as
    read when the turn began (hours, address, time zone), so the turn's steps need not read
    it again."""

    dealer: DealershipRecord
    customer_id: int
    conversation_id: int
    channel: str
    first_reply: bool
    turn: int
    # Set by the pipeline when it gives up on the turn (timeout): from then on the graph
    # stops at its next step and no tool with side effects runs.
    cancelled: threading.Event = field(default_factory=threading.Event, compare=False)

    @property
    def dealership_id(self) -> int:
        return self.dealer.id

    @property
    def dealership_slug(self) -> str:
        return self.dealer.slug

    @property
    def dealership_name(self) -> str:
        return self.dealer.name

    @property
    def timezone(self) -> str:
        return self.dealer.timezone


class TurnAbandoned(RuntimeError):
    """The pipeline gave up on this turn; nothing more of it may take effect."""
