"""`compare_vehicles` with the `openai` engine: the model gets the listings side by side from
the store (prices, miles, the features only one lists, the winner on one attribute) and an
unknown stock number comes back as an error it can read."""

from __future__ import annotations

from tests.engine_openai.conftest import OpenRuntime
from tests.engine_openai.test_openai_engine import only_reply, send
from tests.fakes.openai_server import ChatRequest, FakeOpenAI, Reply, Text, call


def tell(request: ChatRequest) -> Reply:
    """A model that names the winner and its price from the tool result."""
    found = request.last_tool_result()
    if "error" in found:
        return Text(f"Sorry: {found['error']}")
    winner = next(v for v in found["vehicles"] if v["stock"] == found["winner"])
    return Text(f"The {winner['title']} (stock {winner['stock']}) is ${winner['price']:,}.")


def test_compare_vehicles_returns_the_listings_and_the_winner(
    open_openai_runtime: OpenRuntime, openai_fake: FakeOpenAI
) -> None:
    openai_fake.script(
        call("compare_vehicles", stocks=["N26103", "N26101"], attribute="price"),
        tell,
        call("compare_vehicles", stocks=["N26103", "X9999"]),
        tell,
    )
    with open_openai_runtime() as runtime:
        told = only_reply(send(runtime, "which is cheaper, the civic hybrid or the lx", 1))
        [(name, result)] = openai_fake.requests[1].tool_results()
        assert name == "compare_vehicles"
        assert result["winner"] == "N26101" and result["tie"] is False
        assert result["values"] == {"N26103": 34595, "N26101": 25895}
        assert "hybrid powertrain" in result["only"]["N26103"]
        assert "N26101" in told and "$25,895" in told
        refused = only_reply(send(runtime, "compare it with stock X9999", 2))
        assert "X9999" in refused
