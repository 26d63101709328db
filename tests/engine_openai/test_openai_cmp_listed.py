"""`compare_vehicles` with the `openai` engine over more than three vehicles and a number only
listings state: the model may compare up to five stock numbers ("which of these tows the
most" over a list), and a listing that states no towing capacity comes back as None, with no
winner invented."""

from __future__ import annotations

from tests.engine_openai.conftest import OpenRuntime
from tests.engine_openai.test_openai_engine import only_reply, send
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, Text, call

FOUR = ["N26101", "N26102", "N26103", "N26104"]


def tell(request: ChatRequest) -> Reply:
    """A model that says what the tool result holds: the winner, or that none is stated."""
    found = request.last_tool_result()
    if "error" in found:
        return Text(f"Sorry: {found['error']}")
    if found["winner"] is None:
        return Text("None of those listings states it.")
    winner = next(v for v in found["vehicles"] if v["stock"] == found["winner"])
    return Text(f"The {winner['title']} (stock {winner['stock']}) is ${winner['price']:,}.")


def test_four_vehicles_compared_and_an_unstated_number_is_none(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("compare_vehicles", stocks=FOUR, attribute="price"),
        tell,
        call("compare_vehicles", stocks=FOUR, attribute="towing"),
        tell,
    )
    with open_openai_runtime() as runtime:
        told = only_reply(send(runtime, "which of these four is cheapest", 1))
        [(_, cheapest)] = openai_fake.requests[1].tool_results()
        assert list(cheapest["values"]) == FOUR and cheapest["winner"] == "N26101"
        assert "N26101" in told and "$25,895" in told
        unknown = only_reply(send(runtime, "which one tows the most", 2))
        _, towing = openai_fake.requests[3].tool_results()[-1]  # the history holds both
        assert towing["values"] == dict.fromkeys(FOUR) and towing["winner"] is None
        assert "None of those listings" in unknown
