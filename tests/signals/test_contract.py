"""The shopper event contract: what is accepted, what a 422 names, and the ASC names mapped
onto ours (pure: no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from signals.events import MAX_BATCH, EventsRejected, parse_batch

NOW = datetime(2026, 5, 13, 3, 10, tzinfo=UTC)
AT = "2026-05-12T21:04:00-06:00"


def one(**fields: Any) -> dict[str, Any]:
    return {"type": "vdp_view", "at": AT, **fields}


def paths(document: Any) -> list[str]:
    with pytest.raises(EventsRejected) as refused:
        parse_batch(document, now=NOW)
    return [p.path for p in refused.value.problems]


def test_an_event_in_our_terms_with_contacts_normalised() -> None:
    [event] = parse_batch(
        one(
            event_id="site-1",
            visitor_id="v-123_A",
            customer={"phone": "(720) 555-0100", "email": " Ana@Example.com "},
            vehicle={"stock": "S6012", "vin": "4s4btgud1t3123456"},
            properties={"page": "/used/S6012"},
        ),
        now=NOW,
    )
    assert event.type == "vdp_view" and event.sent_as is None
    assert event.at == datetime(2026, 5, 13, 3, 4, tzinfo=UTC)
    assert (event.phone, event.email) == ("+17205550100", "Ana@Example.com")
    assert (event.stock, event.vin) == ("S6012", "4S4BTGUD1T3123456")
    assert (event.event_id, event.visitor_id) == ("site-1", "v-123_A")


def test_unknown_types_are_kept_by_their_name() -> None:
    [event] = parse_batch(one(type="Brochure_Download"), now=NOW)
    assert event.type == "brochure_download" and event.sent_as is None


@pytest.mark.parametrize(
    ("sent", "properties", "ours"),
    [
        ("asc_item_pageview", {"item_number": "S6012"}, "vdp_view"),
        ("asc_form_submission", {}, "form_submission"),
        ("asc_form_submission_sales", {}, "form_submission"),
        ("asc_retail_process", {"flow_name": "Trade-In Value"}, "trade_in_calculator"),
        ("asc_retail_process", {"flow_name": "payment_calculator"}, "payment_calculator"),
        ("asc_comm_engagement", {"comm_type": "chat"}, "chat_started"),
    ],
)
def test_asc_names_map_onto_ours(sent: str, properties: dict[str, Any], ours: str) -> None:
    [event] = parse_batch({"type": sent, "at": AT, "properties": properties}, now=NOW)
    assert (event.type, event.sent_as) == (ours, sent)


def test_asc_names_without_a_match_stay_and_item_parameters_name_the_vehicle() -> None:
    cta, retail, view = parse_batch(
        [
            {"type": "asc_cta_interaction", "at": AT},
            {"type": "asc_retail_process", "at": AT, "properties": {"flow_name": "credit"}},
            {
                "type": "asc_item_pageview",
                "at": AT,
                "properties": {"item_number": "S6012", "item_id": "4S4BTGUD1T3123456"},
            },
        ],
        now=NOW,
    )
    assert (cta.type, cta.sent_as) == ("asc_cta_interaction", None)
    assert (retail.type, retail.sent_as) == ("asc_retail_process", None)
    assert (view.stock, view.vin) == ("S6012", "4S4BTGUD1T3123456")


def test_a_bad_event_is_named_by_its_place_in_the_batch() -> None:
    good = one()
    naive = one(at="2026-05-12T21:04:00")
    future = one(at=(NOW + timedelta(minutes=6)).isoformat())
    assert paths([good, good, good, naive]) == ["[3].at"]
    assert paths([good, future]) == ["[1].at"]
    assert paths([one(at=1778641440)]) == ["[0].at"]  # a number is not an ISO 8601 time
    assert paths([one(customer={"email": "not-an-address"})]) == ["[0].customer.email"]
    assert paths([one(customer={"phone": "call me"})]) == ["[0].customer.phone"]
    assert paths([one(vehicle={"vin": "OOOOOOOOOOOOOOOOO"})]) == ["[0].vehicle.vin"]
    assert paths([one(vehicle={})]) == ["[0].vehicle"]
    assert paths([one(vehicel={"stock": "S6012"})]) == ["[0].vehicel"]  # a typo is refused
    assert paths([one(visitor_id="v 123")]) == ["[0].visitor_id"]
    assert paths([one(event_id="x" * 101)]) == ["[0].event_id"]
    assert paths([one(properties={"note": "x" * 5000})]) == ["[0].properties"]
    assert paths([{"at": AT}, one(type="")]) == ["[0].type", "[1].type"]
    assert paths(one(at="yesterday")) == ["at"]  # a single object: no index


def test_a_time_a_few_minutes_ahead_is_clock_skew_and_accepted() -> None:
    [event] = parse_batch(one(at=(NOW + timedelta(minutes=4)).isoformat()), now=NOW)
    assert event.at == NOW + timedelta(minutes=4)


def test_batch_size_is_one_to_five_hundred() -> None:
    assert len(parse_batch([one()] * MAX_BATCH, now=NOW)) == MAX_BATCH
    with pytest.raises(EventsRejected) as refused:
        parse_batch([one()] * (MAX_BATCH + 1), now=NOW)
    [problem] = refused.value.problems
    assert problem.path == "body" and "501 events; expected 1 to 500" in problem.msg
    assert paths([]) == ["body"]
    assert paths("vdp_view") == ["body"]
