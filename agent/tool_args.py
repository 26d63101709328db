"""Argument schemas of the agent's tools: what a model may pass, with their meaning.

Each schema's docstring is the tool's contract as the model sees it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from crm_store.types import HandoffReason


class SearchInventory(BaseModel):
    """Search the dealership's live inventory. Typos and shorthand are fine ("civc", "f150",
    "cx5"); condition "used" includes certified pre-owned. Returns matching available vehicles
    with stock number, price, mileage and status; prices come from the inventory and are the
    only prices you may quote. When a model asked for is not in stock (never carried, sold or
    on hold), `alternatives` lists the closest available vehicles of any make (same body
    style, size and price band): offer those, with price and stock number."""

    make: str | None = None
    model: str | None = None
    trim: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    condition: Literal["new", "used", "certified"] | None = None
    body: str | None = Field(None, description="sedan, suv, truck, hatchback, minivan, ...")
    color: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    mileage_max: int | None = None
    features: list[str] = Field(default_factory=list)
    sort: Literal["price", "-price", "year", "-year", "mileage", "-mileage"] | None = Field(
        None,
        description="cheapest first (price), dearest (-price), newest (-year) or fewest miles"
        " (mileage): for 'your cheapest suv', 'the newest one'",
    )


class GetVehicle(BaseModel):
    """Full details of one vehicle by stock number: price, mileage, colour, features, status."""

    stock: str


class CompareVehicles(BaseModel):
    """Compare two to five vehicles by stock number, from their listings only. Returns each
    one's vehicle view (`vehicles`, in the order given), the features only it lists (`only`,
    by stock) and those all of them list (`shared`). With `attribute` (price, mileage, year,
    features = how many listed, range, mpg, seats, towing, clearance = ground clearance,
    horsepower, or feature = whether each lists `feature`, e.g. "awd", "moonroof"): `values`
    by stock (None: the listing doesn't say), the listing's words for them (`stated`), the
    `winner` (cheaper, fewer miles, newer, more range/mpg/seats/towing/clearance/horsepower/
    features; for a feature the only one that lists it) and `tie`. Name the winner with its
    value; say so when they tie or when a listing doesn't state it ("which tows the most" over
    the vehicles just shown; "price on each": every value). Quote only these numbers."""

    stocks: list[str] = Field(min_length=2, max_length=5)
    attribute: (
        Literal[
            "price", "mileage", "year", "features", "range", "mpg", "seats", "towing",
            "clearance", "horsepower", "feature",
        ]
        | None
    ) = None  # fmt: skip
    feature: str | None = None


class SearchKnowledge(BaseModel):
    """Search the dealership's own information (hours, location, fees, financing partners,
    trade-in process, service, warranty, policies). Returns passages with their source title
    and a relevance score; answer only from them and name the source. A follow-up question
    ("do I need to bring anything") is searched with the conversation's topic ("test drive:
    ..."); `query` in the result then says what was searched."""

    query: str


class DealershipInfo(BaseModel):
    """The dealership's own record: address, phone, sales hours and whether it is open now.
    `topic` is what the shopper asked (address, phone, hours, open_now, directions, parking;
    "all" for everything). `day` narrows hours to the day asked: a local date (YYYY-MM-DD),
    "today", "tomorrow", "weekend", "week" or a weekday name; without it, today.
    `department` "service", "parts" or "finance" also returns that department's hours on the
    days asked (`department_days`; `department_week` when the record has them; the pages' own
    text about them) and, for topic phone, `department_phone`: its own number from the record
    or the dealership's pages (None: give the main `phone`). Answer with the day asked, not
    the whole week; a department's number asked for is that department's."""

    topic: Literal["address", "phone", "hours", "open_now", "directions", "parking", "all"] = "all"
    day: str | None = None
    department: Literal["sales", "service", "parts", "finance"] = "sales"


class CheckAvailability(BaseModel):
    """Open test-drive times for a vehicle. `date` is a local date (YYYY-MM-DD); `earliest`
    and `latest` (HH:MM, local) narrow the window. Without a date, the next open times."""

    stock: str
    date: str | None = None
    earliest: str | None = None
    latest: str | None = None


class BookTestDrive(BaseModel):
    """Book a test drive of `stock` starting at `starts_at` (local time, YYYY-MM-DDTHH:MM).
    Fails with the nearest open alternatives when the time is taken or closed."""

    stock: str
    starts_at: str


class Reschedule(BaseModel):
    """Move the shopper's upcoming test drive to `starts_at` (local, YYYY-MM-DDTHH:MM)."""

    starts_at: str


class Cancel(BaseModel):
    """Cancel the shopper's upcoming test drive."""


class MyAppointments(BaseModel):
    """The shopper's own upcoming test drives, soonest first: vehicle title and stock, local
    start (YYYY-MM-DDTHH:MM) and the salesperson's name (None: not assigned yet). For "when is
    my test drive", "what car am I driving", "is my appt still on for thursday": answer from
    it; an empty list means none is booked (offer to set one up). It moves nothing; the
    soonest is the one reschedule_test_drive and cancel_test_drive act on."""


class CaptureLead(BaseModel):
    """Record the shopper's contact details on their CRM record."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


class RequestHuman(BaseModel):
    """Hand the conversation to a person. Use for: the shopper asks for a person, price
    negotiation, financing applications, trade-in valuations, complaints, readiness to buy,
    or a question the dealership's information does not answer."""

    reason: HandoffReason
    note: str = Field("", description="one short sentence for the salesperson")


TOOLS: dict[str, type[BaseModel]] = {
    "search_inventory": SearchInventory,
    "get_vehicle": GetVehicle,
    "compare_vehicles": CompareVehicles,
    "search_knowledge": SearchKnowledge,
    "dealership_info": DealershipInfo,
    "check_availability": CheckAvailability,
    "book_test_drive": BookTestDrive,
    "reschedule_test_drive": Reschedule,
    "cancel_test_drive": Cancel,
    "my_appointments": MyAppointments,
    "capture_lead": CaptureLead,
    "request_human": RequestHuman,
}


def openai_tool_schemas() -> list[dict[str, object]]:
    """The tools in OpenAI's `tools` format, from the schemas above."""
    out: list[dict[str, object]] = []
    for name, schema in TOOLS.items():
        params = schema.model_json_schema()
        params.pop("title", None)
        description = (schema.__doc__ or "").strip().replace("\n    ", " ")
        params.pop("description", None)
        out.append(
            {
                "type": "function",
                "function": {"name": name, "description": description, "parameters": params},
            }
        )
    return out
