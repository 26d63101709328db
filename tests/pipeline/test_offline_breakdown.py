"""What a vehicle costs on top of its price (issue 15), through the real pipeline (offline
engine): the listed price from the store, the doc fee and tax rule as each dealership's fee
page states them, no total computed, a written out-the-door quote offered, nobody paged; a
better number or a fee waived is still the sales manager's. Tidewater Hyundai (Norfolk VA,
Tuesday 20:40), Summit Auto Exchange (Colorado) and the demo dealership (California).

`asked` (`agent.engines.offline.breakdown`) was tuned on `TUNED` and scored once on the
held-out breakdowns of tests/handoff/test_detect_breakdown.py: 9/10; "what do title and
registration run" (two DMV charges, no price word) is answered by the ordinary knowledge
answer instead, from the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent.engines.offline.breakdown import asked, fee_sentences
from agent.guardrails import dollar_amounts
from contracts.clock import FrozenClock
from crm_store import migrate
from nightshift.runtime import Runtime, open_runtime, sync_world_knowledge
from nightshift.world import apply_world, load_world_file
from tests import demo
from tests.demo import ROOT, demo_settings
from tests.handoff.test_detect_breakdown import HELD_OUT_BREAKDOWNS, HELD_OUT_NEGOTIATIONS

TUNED = [
    "ok whats out the door on the sonata, doc fee and taxes",
    "what fees are there on top of the price",
    "how much is tax and title",
    "whats the doc fee plus tax",
    "is the price plus tax?",
    "otd price breakdown?",
]
NOT_BREAKDOWNS = [
    "whats the doc fee",  # one charge: the ordinary knowledge answer
    "does my trade lower the tax",
    "how much is an oil change plus tax",  # a service price, not the purchase's fee page
    "is the sonata still available",
    "what's the towing capacity",
]
QUOTE = "written out-the-door quote"


def _world(path: Path, slug: str, now: datetime, folder: Path, models: Path) -> Iterator[Runtime]:
    settings = demo_settings(folder)
    migrate.upgrade(settings.database_url)
    with open_runtime(settings, clock=FrozenClock(now), models_dir=models) as rt:
        apply_world(rt.store, load_world_file(path))
        sync_world_knowledge(rt.store, rt.knowledge, slug)
        yield rt


@pytest.fixture
def tidewater(tmp_path: Path, models_dir: Path) -> Iterator[Runtime]:
    now = datetime(2026, 3, 10, 20, 40, tzinfo=ZoneInfo("America/New_York"))
    path = ROOT / "examples" / "tidewater-hyundai.yaml"
    yield from _world(path, "tidewater-hyundai", now, tmp_path, models_dir)


@pytest.fixture
def summit(tmp_path: Path, models_dir: Path) -> Iterator[Runtime]:
    now = datetime(2026, 3, 18, 19, 40, tzinfo=ZoneInfo("America/Denver"))
    path = ROOT / "examples" / "summit-auto-exchange.yaml"
    yield from _world(path, "summit-auto-exchange", now, tmp_path, models_dir)


def _amounts(text: str) -> set[Decimal]:
    return {a.normalize() for a in dollar_amounts(text)}


def _money(*values: int) -> set[Decimal]:
    return {Decimal(v).normalize() for v in values}


@pytest.mark.parametrize("text", TUNED + HELD_OUT_BREAKDOWNS[:-1])
def test_breakdown_questions_are_recognised(text: str) -> None:
    assert asked(text)


@pytest.mark.parametrize("text", NOT_BREAKDOWNS)
def test_other_questions_are_not_breakdowns(text: str) -> None:
    assert not asked(text)


def test_the_fee_page_sentences_state_each_charge_once() -> None:
    page = (
        "Tidewater Hyundai charges a processing fee (documentation fee) of $899 on every sale. "
        "Virginia charges a sales and use tax of 4.15% of the sale price, which we collect "
        "along with title and registration fees. In Virginia a trade-in does not reduce the "
        "sales tax. Our prices do not include tax, title, registration or the processing fee. "
        "We are open late on Thursdays."
    )
    stated = fee_sentences(page, "is the price plus tax")
    assert [s[:20] for s in stated] == [
        "Tidewater Hyundai ch",
        "Virginia charges a s",
        "Our prices do not in",
    ]
    with_trade = fee_sentences(page, "whats the tax and fees with my trade")
    assert any("trade-in" in s for s in with_trade)
    short = fee_sentences(page, "is the price plus tax", most_chars=200)
    assert short and sum(len(s) for s in short) <= 200  # room left by three listed prices


def test_out_the_door_with_its_parts_is_answered_from_the_store_and_the_fee_page(
    tidewater: Runtime,
) -> None:
    replies, conversation = demo.chat(
        tidewater,
        "+17575550401",
        "is the sonata still available",
        "ok whats out the door on the sonata, doc fee and taxes",
        slug="tidewater-hyundai",
    )
    answer = replies[1]
    assert "$29,900" in answer and "TN108" in answer  # the listed prices, from the store
    assert "$899" in answer and "4.15%" in answer  # the doc fee and the tax rule, as written
    assert QUOTE in answer
    assert _amounts(answer) <= _money(29900, 21300, 9995, 899)  # no total computed
    assert "negotiate" not in answer
    assert len(answer) <= 1000  # three prices and the page: still one SMS-sized reply
    assert demo.handoff_reasons(tidewater, conversation) == ()


def test_the_vehicle_in_focus_then_a_better_number_pages_the_manager(tidewater: Runtime) -> None:
    phone, slug = "+17575550402", "tidewater-hyundai"
    replies, conversation = demo.chat(
        tidewater,
        phone,
        "whats the price on stock TN108",
        "does that include tax and the doc fee?",
        slug=slug,
    )
    assert "$29,900" in replies[1] and "$899" in replies[1]
    assert "$21,300" not in replies[1]  # only the vehicle in focus
    assert demo.handoff_reasons(tidewater, conversation) == ()
    replies, _ = demo.chat(tidewater, phone, "ok can you knock off the doc fee then", slug=slug)
    assert QUOTE not in replies[0]
    assert demo.handoff_reasons(tidewater, conversation) == ("negotiation",)


@pytest.mark.parametrize("text", HELD_OUT_NEGOTIATIONS[:4])
def test_a_better_total_is_still_a_negotiation(tidewater: Runtime, text: str) -> None:
    replies, conversation = demo.chat(
        tidewater, "+17575550403", "is the sonata still available", text, slug="tidewater-hyundai"
    )
    assert QUOTE not in replies[1]
    assert "negotiation" in demo.handoff_reasons(tidewater, conversation)


def test_colorado_fees_come_from_summits_own_page(summit: Runtime) -> None:
    replies, conversation = demo.chat(
        summit,
        "+13035550404",
        "hey what will i pay on top of the sticker, taxes n fees?",
        slug="summit-auto-exchange",
    )
    assert "$599" in replies[0] and "2.9%" in replies[0]
    assert "$899" not in replies[0] and "4.15%" not in replies[0]
    assert QUOTE in replies[0]
    assert _amounts(replies[0]) <= _money(599)
    assert demo.handoff_reasons(summit, conversation) == ()


def test_california_doc_fee_beside_the_listed_price(runtime: Runtime) -> None:
    replies, conversation = demo.chat(
        runtime, "+18055550405", "how much is the f150", "is tax included in that price"
    )
    assert "$36,495" in replies[1] and "$85" in replies[1]
    assert "passed through at cost" in replies[1]
    assert _amounts(replies[1]) <= _money(36495, 85)
    assert demo.handoff_reasons(runtime, conversation) == ()


ROUGH_TUNED = ["whats out the door on it, ballpark", "total w everything roughly?"]
ROUGH_HELD_OUT = ["approx otd on that one", "all in, give or take?"]


@pytest.mark.parametrize("text", ROUGH_TUNED + ROUGH_HELD_OUT)
def test_a_rough_total_is_a_breakdown(text: str) -> None:
    assert asked(text), text


@pytest.mark.parametrize(
    "lives",
    [
        "ok i stay in denver",  # tuned
        pytest.param(
            "we're out in denver fwiw",  # held out, scored once: 0/1 (four own words)
            marks=pytest.mark.xfail(strict=True, reason="not read as a follow-up"),
        ),
    ],
)
def test_where_the_shopper_lives_is_read_with_the_tax_topic(summit: Runtime, lives: str) -> None:
    """After the fee page, where the shopper lives gets the page's Denver tax sentence, not
    the dealership's address."""
    replies, conversation = demo.chat(
        summit,
        "+13035550405",
        "whats otd on the 4runner roughly",
        lives,
        slug="summit-auto-exchange",
    )
    assert "$599" in replies[0] and QUOTE in replies[0]
    assert "8.81%" in replies[1] and "Colfax" not in replies[1]
    assert demo.handoff_reasons(summit, conversation) == ()
