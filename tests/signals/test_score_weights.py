"""A dealership's lead score weights: the `score:` sub-block of the world file's `signals:`
block, errors naming the field, and stored and exported as only what differs from the
built-in weights (so a world written out loads back to the same weights)."""

from __future__ import annotations

from typing import Any

import yaml

from crm_store import customers
from crm_store.db import Store
from evals.pseudonyms import Pseudonyms
from evals.world_snapshot import world_block
from nightshift.world import parse_world
from nightshift.world.apply import apply_world
from nightshift.world.loader import validate_world
from nightshift.world.schema import WorldSpec
from signals import alerting
from signals.config import SignalsConfig
from signals.score import Weights
from tests.signals.test_config import WORLD, problems


def test_no_score_block_or_an_empty_one_means_the_built_in_weights() -> None:
    for block in ("", "signals:\n", "signals:\n  score:\n", "signals: {score: {}}\n"):
        assert parse_world(WORLD + block).signals.score == Weights()


def test_a_dealership_sets_some_weights_and_keeps_the_rest() -> None:
    weights = parse_world(
        WORLD + "signals:\n  score: {test_drive_booked: 40, half_life_hours: 48}\n"
    ).signals.score
    assert (weights.test_drive_booked, weights.half_life_hours) == (40, 48)
    assert weights.financing == Weights().financing


def test_errors_name_the_weight_the_value_and_what_was_expected() -> None:
    assert problems(
        """\
signals:
  score:
    test_drive_booked: 400
    half_life_hours: 0
    financing: "10"
    recency: true
    test_drive_boked: 40
"""
    ) == [
        "lot.yaml:6: signals.score.test_drive_booked: 400: expected to be less than or equal"
        " to 100",
        "lot.yaml:7: signals.score.half_life_hours: 0: expected to be greater than or equal to 1",
        "lot.yaml:8: signals.score.financing: '10': expected a valid integer",
        "lot.yaml:9: signals.score.recency: True: expected a valid integer",
        "lot.yaml:10: signals.score.test_drive_boked: unknown key 'test_drive_boked'; expected"
        " one of: " + ", ".join(Weights.model_fields),
    ]
    assert problems("signals:\n  score: 40\n") == [
        "lot.yaml:5: signals.score: 40: expected a mapping of weights, e.g. test_drive_booked: 40"
    ]


def exported(store: Store, world: WorldSpec) -> tuple[SignalsConfig, dict[str, Any], SignalsConfig]:
    """The world's `signals:` as applied and loaded back, as a QA scenario's world exports
    it (`evals.export`), and that export validated again."""
    dealer = apply_world(store, world).dealership
    with store.unit_of_work() as uow:
        config = alerting.load(uow, dealership_id=dealer.id).config
        shopper = customers.upsert_customer(
            uow, dealership_id=dealer.id, phone="5551230001", name="Dana Ruiz"
        )
        block = world_block(
            uow,
            dealer,
            Pseudonyms(),
            shopper=shopper,
            known_before=False,
            began=uow.now(),
            conversation_id=0,
        )
    again = validate_world(yaml.safe_load(yaml.safe_dump(block)), source="scenario.yaml")
    return config, block["signals"], again.signals


def test_stored_and_exported_weights_load_back_the_same(store: Store) -> None:
    world = parse_world(
        WORLD
        + "signals:\n  dedupe_hours: 12\n"
        + "  score: {test_drive_booked: 40, half_life_hours: 48, test_drive_missed: -20}\n"
    )
    config, block, again = exported(store, world)
    assert config == world.signals
    assert block == {  # only what differs from the defaults
        "dedupe_hours": 12,
        "score": {"half_life_hours": 48, "test_drive_booked": 40, "test_drive_missed": -20},
    }
    assert again == config


def test_a_dealership_back_on_the_built_in_weights_stores_and_exports_none(
    store: Store,
) -> None:
    custom = parse_world(WORLD + "signals:\n  score: {financing: 20}\n")
    apply_world(store, custom)
    dealer = apply_world(store, parse_world(WORLD)).dealership
    with store.unit_of_work() as uow:
        config = alerting.load(uow, dealership_id=dealer.id).config
    assert config.score == Weights() and alerting.chosen(config) == {}
