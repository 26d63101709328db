"""The agent's tools: thin wrappers over crm_store and knowledge services.

Every result is a JSON-serialisable dict; prices, availability and bookings in it come from
the store, so whatever the engine says about them can be checked against it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from agent import alternatives, comparisons
from agent import tool_args as A  # noqa: N812 (the schemas read as A.SearchInventory)
from agent.booking_tools import BookingTools
from agent.context import AgentDeps, TurnContext
from agent.facts import dealership_facts
from agent.followups import search_in_context
from agent.guardrails import dollar_amounts
from agent.nlu.vehicle_search import most_features, search, sorted_by
from agent.relevance import overlap, sentence_overlap
from contracts.dialogue import Slots
from crm_store import customers, handoffs, knowledge_docs, vehicles
from crm_store.errors import NotFound, StoreError
from crm_store.records import VehicleRecord
from crm_store.types import VehicleStatus

SIDE_EFFECTS = frozenset(
    {
        "book_test_drive",
        "reschedule_test_drive",
        "cancel_test_drive",
        "capture_lead",
        "request_human",
    }
)
KNOWLEDGE_WEAK = 0.38  # best passage below this blended score: the knowledge does not answer
LEXICAL_WEIGHT = 0.15
TITLE_WEIGHT = 0.1  # a question naming a page's topic ("trade-ins", "warranty")
SENTENCE_WEIGHT = 0.1  # the question's words together in one sentence of a long page


def vehicle_view(v: VehicleRecord) -> dict[str, Any]:
    return {
        "stock": v.stock,
        "title": v.title,
        "year": v.year,
        "make": v.make,
        "model": v.model,
        "trim": v.trim,
        "condition": v.condition.value,
        "body": v.body,
        "color": v.color,
        "mileage": v.mileage,
        "price": int(v.price) if v.price == v.price.to_integral() else float(v.price),
        "status": v.status.value,
        "features": list(v.features),
        "specs": v.specs.stated(),  # engine, drivetrain, seats, ... as the listing states them
    }


class Toolbox(BookingTools):
    """The tools bound to one turn (dealership, customer, conversation).

    `slots` is the dialogue state as the graph read it from the shopper's message
    (`agent.consent.hear`): with it, booking and rescheduling take only a time the shopper
    named or picked. None (direct calls outside a conversation, e.g. the staff's tools) skips
    that check. The test-drive tools are `agent.booking_tools.BookingTools`."""

    def __init__(self, deps: AgentDeps, ctx: TurnContext, *, slots: Slots | None = None) -> None:
        self.deps = deps
        self.ctx = ctx
        self.zone = ZoneInfo(ctx.timezone)
        self.slots = slots

    def call(self, name: str, raw_args: dict[str, Any]) -> dict[str, Any]:
        """Run tool `name`; bad arguments or store errors come back as {"error": ...}."""
        schema = A.TOOLS.get(name)
        if schema is None:
            return {"error": f"unknown tool {name!r}; expected one of {sorted(A.TOOLS)}"}
        try:
            args = schema.model_validate(raw_args)
        except ValidationError as exc:
            return {"error": f"invalid arguments for {name}: {exc.errors()[0]['msg']}"}
        if name in SIDE_EFFECTS and self.ctx.cancelled.is_set():
            return {"error": "this turn was abandoned; nothing was changed"}
        handler = getattr(self, name)
        try:
            result: dict[str, Any] = handler(args)
        except (StoreError, ValueError, TypeError) as exc:
            return {"error": str(exc)}
        return result

    # -- inventory ---------------------------------------------------------------------

    def search_inventory(self, args: A.SearchInventory) -> dict[str, Any]:
        snapshot = self.deps.inventory.get(self.ctx.dealership_id)
        every, vocabulary = list(snapshot.vehicles), snapshot.vocabulary
        fields = args.model_dump(exclude_none=True, exclude={"sort"})
        fields["features"] = tuple(fields.get("features", ()))
        query = vocabulary.normalise(**fields)
        available = [v for v in every if v.status is VehicleStatus.AVAILABLE]
        matches = search(available, query, vocabulary=vocabulary, limit=1000)
        total = len(matches)
        found = sorted_by(matches, args.sort)[:5]
        if not found and len(query.features) > 1:  # "a diesel truck to tow": most of them
            found = most_features(available, query, vocabulary=vocabulary, limit=5)
            total = len(found)
        unavailable = (
            []
            if found
            else search(
                [v for v in every if v.status is not VehicleStatus.AVAILABLE],
                query,
                vocabulary=vocabulary,
                limit=3,
            )
        )
        # The model asked for is not in stock (never carried, or sold / on hold): the closest
        # available vehicles of any make, so the reply can name them with price and stock.
        closest = (
            alternatives.closest(
                alternatives.wanted(
                    model=query.model,
                    body=query.body,
                    price_max=query.price_max,
                    condition=query.condition,
                    features=query.features,
                    gone=unavailable[0] if unavailable else None,
                ),
                available,
            )
            if not found and query.model
            else []
        )
        return {
            "vehicles": [vehicle_view(v) for v in found],
            "total": total,
            "unavailable_matches": [vehicle_view(v) for v in unavailable],
            **({"alternatives": [vehicle_view(v) for v in closest]} if closest else {}),
        }

    def get_vehicle(self, args: A.GetVehicle) -> dict[str, Any]:
        with self.deps.store.reading() as uow:
            try:
                car = vehicles.get_vehicle(
                    uow, dealership_id=self.ctx.dealership_id, stock=args.stock.strip().upper()
                )
            except NotFound:
                return {"error": f"no vehicle with stock number {args.stock!r}"}
        return {"vehicle": vehicle_view(car)}

    def compare_vehicles(self, args: A.CompareVehicles) -> dict[str, Any]:
        """The vehicles side by side (`comparisons.compare`), in the order asked."""
        by_stock = {v.stock: v for v in self.deps.inventory.get(self.ctx.dealership_id).vehicles}
        asked = list(dict.fromkeys(s.strip().upper() for s in args.stocks))
        if missing := [s for s in asked if s not in by_stock]:
            return {"error": f"no vehicle with stock number {missing[0]!r}"}
        if len(asked) < 2:
            return {"error": "stocks: expected two to five different stock numbers"}
        views = [vehicle_view(by_stock[s]) for s in asked]
        return comparisons.compare(views, args.attribute, args.feature)

    # -- knowledge ---------------------------------------------------------------------

    def search_knowledge(self, args: A.SearchKnowledge) -> dict[str, Any]:
        # A follow-up ("do i need to bring anything") is searched with the conversation's
        # topic ("test drive: ..."), whichever engine asked.
        return search_in_context(
            lambda a: self._passages(str(a["query"])), {"query": args.query}, self.slots or {}
        )

    def _passages(self, query: str) -> dict[str, Any]:
        found = self.deps.knowledge.search(self.ctx.dealership_slug, query, k=5)
        scored = sorted(
            (
                (
                    p.score
                    + LEXICAL_WEIGHT * overlap(query, f"{p.title} {p.heading} {p.text}")
                    + TITLE_WEIGHT * overlap(query, p.title)
                    + SENTENCE_WEIGHT * sentence_overlap(query, p.text),
                    p,
                )
                for p in found
            ),
            key=lambda pair: -pair[0],
        )[:4]
        best = scored[0][0] if scored else 0.0
        return {
            "passages": [
                {"title": p.title, "heading": p.heading, "text": p.text, "score": round(score, 3)}
                for score, p in scored
            ],
            "weak": best < KNOWLEDGE_WEAK,
        }

    def dealership_info(self, args: A.DealershipInfo) -> dict[str, Any]:
        with self.deps.store.reading() as uow:
            dealer = self.ctx.dealer
            texts = [
                d.text for d in knowledge_docs.list_docs(uow, dealership_id=self.ctx.dealership_id)
            ]
        return dealership_facts(
            dealer,
            self.deps.clock.now().astimezone(self.zone),
            topic=args.topic,
            day=args.day,
            department=args.department,
            texts=texts,
        )

    # -- people ------------------------------------------------------------------------

    def capture_lead(self, args: A.CaptureLead) -> dict[str, Any]:
        with self.deps.store.unit_of_work() as uow:
            record = customers.update_contact(
                uow,
                customer_id=self.ctx.customer_id,
                name=args.name,
                email=args.email,
                phone=args.phone,
            )
        return {"saved": {"name": record.name, "email": record.email, "phone": record.phone}}

    def request_human(self, args: A.RequestHuman) -> dict[str, Any]:
        with self.deps.store.unit_of_work() as uow:
            record = handoffs.create_handoff(
                uow,
                dealership_id=self.ctx.dealership_id,
                conversation_id=self.ctx.conversation_id,
                customer_id=self.ctx.customer_id,
                reasons=[args.reason],
                confidence=0.9,
                note=args.note or None,
            )
        return {"handoff_id": record.id, "reason": args.reason}


def allowed_amounts(deps: AgentDeps, ctx: TurnContext, knowledge_texts: list[str]) -> set[Decimal]:
    """Every dollar amount the assistant may state: inventory prices and knowledge figures."""
    prices = {v.price for v in deps.inventory.get(ctx.dealership_id).vehicles}
    for text in knowledge_texts:
        prices |= dollar_amounts(text)
    return prices
