"""A dealership's equity and lifecycle flag settings: the `lifecycle:` sub-block of the world
file's `signals:` block, errors naming the field, and stored and exported as only what
differs from the built-in settings (so a world written out loads back the same)."""

from __future__ import annotations

from decimal import Decimal

from crm_store.db import Store
from nightshift.world import parse_world
from nightshift.world.apply import apply_world
from signals import alerting
from signals.lifecycle_config import LifecycleConfig
from tests.signals.test_config import WORLD, problems
from tests.signals.test_score_weights import exported


def test_no_lifecycle_block_or_an_empty_one_means_the_built_in_settings() -> None:
    for block in ("", "signals:\n", "signals:\n  lifecycle:\n", "signals: {lifecycle: {}}\n"):
        assert parse_world(WORLD + block).signals.lifecycle == LifecycleConfig()


def test_a_dealership_sets_some_thresholds_and_the_flags_that_alert() -> None:
    config = parse_world(
        WORLD
        + "signals:\n  lifecycle:\n    equity_min_dollars: 3500\n    lease_end_months: 4\n"
        + "    service_alert_flags: [equity, high_mileage]\n"
    ).signals.lifecycle
    assert (config.equity_min_dollars, config.lease_end_months) == (Decimal(3500), 4)
    assert config.service_alert_flags == ("equity", "high_mileage")
    assert config.loan_term_percent == LifecycleConfig().loan_term_percent


def test_errors_name_the_field_the_value_and_what_was_expected() -> None:
    found = problems(
        """\
signals:
  lifecycle:
    lease_end_months: 99
    service_alert_flags: [equity, mood]
    lease_end_month: 4
"""
    )
    assert found[0] == (
        "lot.yaml:6: signals.lifecycle.lease_end_months: 99: expected to be less than or"
        " equal to 60"
    )
    assert found[1] == (
        "lot.yaml:7: signals.lifecycle.service_alert_flags[1]: 'mood': expected 'equity',"
        " 'lease_ending', 'loan_term', 'warranty_ending' or 'high_mileage'"
    )
    assert found[2].startswith(
        "lot.yaml:8: signals.lifecycle.lease_end_month: unknown key 'lease_end_month'"
    )
    assert len(found) == 3
    assert problems("signals:\n  lifecycle: 6\n") == [
        "lot.yaml:5: signals.lifecycle: 6: expected a mapping of the flags' settings,"
        " e.g. lease_end_months: 6"
    ]


def test_stored_and_exported_settings_load_back_the_same(store: Store) -> None:
    world = parse_world(
        WORLD
        + "signals:\n  lifecycle: {equity_min_dollars: 3500, depreciation_per_year: 0.2,"
        + " service_alert_flags: [lease_ending]}\n"
    )
    config, block, again = exported(store, world)
    assert config == world.signals
    assert block == {  # only what differs, as numbers a world file writes
        "lifecycle": {
            "depreciation_per_year": 0.2,
            "equity_min_dollars": 3500,
            "service_alert_flags": ["lease_ending"],
        }
    }
    assert again == config
    back = apply_world(store, parse_world(WORLD)).dealership
    with store.unit_of_work() as uow:
        assert alerting.chosen(alerting.load(uow, dealership_id=back.id).config) == {}
