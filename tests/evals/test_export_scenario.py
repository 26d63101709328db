"""'Save as QA scenario': a real conversation with the demo dealership, written as a scenario
(evals/export.py), runs unchanged and passes with the evals runner; and what it must not
carry (real phones and e-mails) it does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from console.conversations_csv import guard
from contracts.clock import FrozenClock
from contracts.messages import InboundMessage
from crm_store import conversations, customers, dealerships, messages
from crm_store.errors import NotFound
from crm_store.types import Author, Channel, Direction
from evals.export import ExportError, export_scenario
from evals.runner import WorldCache, run_scenario
from evals.scenario import load_scenario
from nightshift.runtime import Runtime
from nightshift.world import load_world_file
from tests.demo import DEMO, SLUG, chat
from tests.helpers import run_cli

PHONE = "+18055557777"


@pytest.fixture
def worlds() -> Iterator[WorldCache]:
    cache = WorldCache()
    yield cache
    cache.close()


def public_id(rt: Runtime, conversation_id: int) -> str:
    with rt.store.reading() as uow:
        return conversations.get_conversation(uow, conversation_id=conversation_id).public_id


def replay(text: str, folder: Path, models_dir: Path, worlds: WorldCache) -> list[str]:
    """Load the exported file as QA would and run it: the unmet checks (none: it passed)."""
    path = folder / "saved.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_scenario(
        load_scenario(path), engine="offline", models_dir=models_dir, worlds=worlds
    )
    assert result.error is None, result.error
    return result.failures


def test_a_booking_conversation_round_trips(
    runtime: Runtime, clock: FrozenClock, tmp_path: Path, models_dir: Path, worlds: WorldCache
) -> None:
    chat(runtime, PHONE, "hi do you have any used honda civics under 25k?")
    clock.advance(timedelta(minutes=3, seconds=20))
    chat(runtime, PHONE, "can I test drive it saturday morning?")
    clock.advance(timedelta(seconds=50))
    replies, conversation = chat(runtime, PHONE, "10 works")
    assert "booked" in replies[0].lower()

    text = export_scenario(runtime.store, public_id(runtime, conversation))

    saved = yaml.safe_load(text)
    assert saved["now"] == "2026-03-06T21:40" and saved["channel"] == "sms"
    # offsets from the first message, in whole minutes: 3m20s -> 3m, 4m10s -> 1m more
    assert [t.get("advance") for t in saved["turns"]] == [None, "3m", "1m"]
    # booked with Maria, as the shopper was told; the replay must book with her too
    assert saved["expect"]["appointments"] == [
        {"stock": "C2202", "starts_at": "2026-03-07T10:00", "staff": "maria"}
    ]
    assert saved["expect"]["handoff"] == "none"
    world = saved["world"]
    # the staff in the store's order: on a tie, the replay picks the same salesperson
    assert [m["handle"] for m in world["staff"]] == [m.handle for m in load_world_file(DEMO).staff]
    assert len(world["inventory"]) == len(load_world_file(DEMO).inventory)
    assert {m["handle"] for m in world["staff"]} >= {"maria", "jake", "rachel"}
    assert replay(text, tmp_path, models_dir, worlds) == []


def test_a_financing_handoff_on_the_web_round_trips(
    runtime: Runtime, tmp_path: Path, models_dir: Path, worlds: WorldCache
) -> None:
    result = runtime.pipeline.handle_inbound(
        InboundMessage(
            SLUG, "web", "browser-session-41", "can i get approved with a 580 credit score"
        )
    )

    text = export_scenario(runtime.store, public_id(runtime, result.conversation_id))

    saved = yaml.safe_load(text)
    assert saved["channel"] == "web"
    assert saved["shopper"] == {"session": f"saved-{public_id(runtime, result.conversation_id)}"}
    assert saved["expect"]["handoff"] == {"reason": "financing"}
    assert saved["expect"]["appointments"] == []
    assert replay(text, tmp_path, models_dir, worlds) == []


def test_phones_and_emails_are_replaced_by_stand_ins(
    runtime: Runtime, tmp_path: Path, models_dir: Path, worlds: WorldCache
) -> None:
    _, conversation = chat(
        runtime,
        PHONE,
        "hi do you have any used honda civics under 25k?",
        "im Dana Ruiz, email dana.ruiz@gmail.com or call my work line 805-555-4242",
    )

    text = export_scenario(runtime.store, public_id(runtime, conversation))

    demo = load_world_file(DEMO)
    real = [PHONE, "8055557777", "555-4242", "dana.ruiz@gmail.com", "gmail"]
    real += [m.phone for m in demo.staff if m.phone] + [m.email for m in demo.staff if m.email]
    assert [value for value in real if value in text] == []
    saved = yaml.safe_load(text)
    assert saved["shopper"] == {"phone": "+15555550100"}
    said = saved["turns"][1]["user"]
    assert said == "im Dana Ruiz, email shopper@example.com or call my work line (555) 555-0108"
    assert saved["expect"]["lead"] == {"name": "Dana Ruiz", "email": "shopper@example.com"}
    maria = next(m for m in saved["world"]["staff"] if m["handle"] == "maria")
    assert maria["email"] == "maria@example.com" and maria["phone"].startswith("+155555501")
    assert saved["world"]["dealership"]["phone"] == demo.dealership.phone  # published line
    assert replay(text, tmp_path, models_dir, worlds) == []


def test_a_known_shopper_and_the_calendar_they_met_are_in_the_world(
    runtime: Runtime, clock: FrozenClock, tmp_path: Path, models_dir: Path, worlds: WorldCache
) -> None:
    marcus = "+18055550157"  # demo customers, loaded at 21:40
    chat(runtime, marcus, "hi do you have any used honda civics under 25k?")
    chat(runtime, marcus, "can I test drive it saturday morning?", "10 works")
    clock.advance(timedelta(minutes=2))
    _, conversation = chat(runtime, "+18055550142", "what are your hours on sunday?")

    text = export_scenario(runtime.store, public_id(runtime, conversation))

    world = yaml.safe_load(text)["world"]
    assert world["customers"] == [
        {
            "name": "Dana Ruiz",
            "phone": "+15555550100",
            "email": "shopper@example.com",
            "assigned_to": "maria",
        }
    ]
    # Marcus's test drive stood when Dana wrote: it is in her world, without Marcus
    [booked] = world["appointments"]
    assert booked["stock"] == "C2202" and booked["starts_at"] == "2026-03-07T10:00"
    assert "customer" not in booked and "Marcus" not in text and marcus not in text
    assert "lead" not in yaml.safe_load(text)["expect"]  # nothing learned: she was known
    assert replay(text, tmp_path, models_dir, worlds) == []


def test_the_same_conversation_exports_to_the_same_file(runtime: Runtime) -> None:
    _, conversation = chat(runtime, PHONE, "what are your hours on sunday?")
    key = public_id(runtime, conversation)

    assert export_scenario(runtime.store, key) == export_scenario(runtime.store, key)
    assert export_scenario(runtime.store, key).startswith(
        f"# Saved from conversation {key} of dealership {SLUG} on 2026-03-06T21:40:00-08:00."
    )


def test_an_unknown_conversation_is_a_clear_error(runtime: Runtime, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="conversation 'nope' not found; expected the public id"):
        export_scenario(runtime.store, "nope")

    result = run_cli(
        "conversations",
        "scenario",
        "nope",
        "-o",
        str(tmp_path / "x.yaml"),
        database_url=str(runtime.store.url),
    )
    assert result.returncode == 2
    assert "conversation 'nope' not found" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_a_conversation_the_shopper_never_wrote_in_cannot_be_replayed(runtime: Runtime) -> None:
    with runtime.store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=SLUG)
        dana = customers.find_by_phone(uow, dealership_id=dealer.id, phone="+18055550142")
        assert dana is not None
        outreach, _ = conversations.open_conversation(
            uow, dealership_id=dealer.id, customer_id=dana.id, channel=Channel.SMS
        )
        messages.record_message(
            uow,
            conversation_id=outreach.id,
            direction=Direction.OUTBOUND,
            author=Author.STAFF,
            body="Hi Dana, the CR-V you asked about is in.",
        )

    with pytest.raises(ExportError, match="has no shopper text to replay"):
        export_scenario(runtime.store, outreach.public_id)


def test_the_cli_writes_a_file_nightshift_eval_accepts(runtime: Runtime, tmp_path: Path) -> None:
    _, conversation = chat(runtime, PHONE, "can i get approved with a 580 credit score")
    target = tmp_path / "qa" / "saved.yaml"
    target.parent.mkdir()

    result = run_cli(
        "conversations",
        "scenario",
        public_id(runtime, conversation),
        "-o",
        str(target),
        database_url=str(runtime.store.url),
    )

    assert result.returncode == 0, result.stderr
    assert load_scenario(target).spec.expect.handoff is not None


def test_the_cli_writes_the_conversations_csv(runtime: Runtime, tmp_path: Path) -> None:
    _, conversation = chat(runtime, PHONE, "can i get approved with a 580 credit score")
    target = tmp_path / "conversations.csv"
    period = ("--since", "2026-03-06", "--until", "2026-03-06")
    url = str(runtime.store.url)

    unknown = run_cli("conversations", "csv", "--dealership", "nope", *period, database_url=url)
    result = run_cli(
        "conversations", "csv", "--dealership", SLUG, *period, "-o", str(target), database_url=url
    )

    assert unknown.returncode == 2 and "dealership 'nope' not found" in unknown.stderr
    assert result.returncode == 0, result.stderr
    lines = target.read_bytes().decode().split("\r\n")
    assert lines[0].startswith("conversation,channel,started_at")
    assert lines[1].startswith(
        f"{guard(public_id(runtime, conversation))},sms,2026-03-06T21:40:00-08:00,"
    )
    assert "handed off (financing)" in lines[1] and lines[2:] == [""]
