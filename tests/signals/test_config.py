"""The `signals:` block of the world file: defaults when absent, a dealership's tuning, and
errors naming the field, the value and what was expected."""

from __future__ import annotations

from datetime import timedelta

import pytest

from nightshift.world import WorldFileError, parse_world
from signals.config import SignalsConfig

WORLD = """\
dealership:
  name: Lakeside Subaru
  timezone: America/Denver
"""


def problems(block: str) -> list[str]:
    with pytest.raises(WorldFileError) as caught:
        parse_world(WORLD + block, source="lot.yaml")
    return [str(p) for p in caught.value.problems]


def test_no_block_or_an_empty_one_means_the_built_in_rules() -> None:
    for text in (WORLD, WORLD + "signals:\n"):
        config = parse_world(text).signals
        assert config == SignalsConfig()
    assert (config.repeat_views.count, config.repeat_views.window) == (4, timedelta(hours=48))
    assert config.dedupe_window == timedelta(hours=24)
    assert (config.return_visit.quiet, config.return_visit.within) == (
        timedelta(hours=48),
        timedelta(days=14),
    )
    assert config.price_drop.lookback == timedelta(days=30) and config.price_drop.min_drop == 0
    assert all(
        rule.enabled and not rule.urgent
        for rule in (
            config.repeat_views,
            config.price_drop,
            config.trade_in_finished,
            config.return_visit,
            config.service_equity,
        )
    )
    assert config.lookback == timedelta(days=16)  # 48 h quiet + 14 days


def test_a_dealership_tunes_and_switches_off_rules() -> None:
    config = parse_world(
        WORLD
        + """\
signals:
  dedupe_hours: 12
  repeat_views: {count: 3, within_hours: 24, urgent: true}
  price_drop: {min_drop: 250}
  trade_in_finished: off
  return_visit:
    enabled: false
  service_equity: on
"""
    ).signals
    assert config.dedupe_window == timedelta(hours=12)
    assert (config.repeat_views.count, config.repeat_views.within_hours) == (3, 24)
    assert config.repeat_views.urgent is True
    assert config.price_drop.min_drop == 250 and config.price_drop.lookback_days == 30
    assert not config.trade_in_finished.enabled and not config.return_visit.enabled
    assert config.service_equity.enabled


def test_errors_name_the_field_the_value_and_what_was_expected() -> None:
    assert problems(
        """\
signals:
  dedupe_hours: 0
  repeat_views: {count: 1, within_hours: "48"}
  price_drop: {lookbak_days: 3}
  return_visit: 3
  trade_in_finished: {enabled: maybe}
"""
    ) == [
        "lot.yaml:5: signals.dedupe_hours: 0: expected a whole number of hours from 1 to 720",
        "lot.yaml:6: signals.repeat_views.count: 1: expected an integer from 2 to 50",
        "lot.yaml:6: signals.repeat_views.within_hours: '48': expected a whole number of hours"
        " from 1 to 720",
        "lot.yaml:7: signals.price_drop.lookbak_days: unknown key 'lookbak_days'; expected one"
        " of: enabled, urgent, min_drop, lookback_days",
        "lot.yaml:8: signals.return_visit: 3: expected on, off or a mapping of the rule's settings",
        "lot.yaml:9: signals.trade_in_finished.enabled: 'maybe': expected a valid boolean",
    ]


def test_an_unknown_rule_and_a_block_that_is_not_a_mapping() -> None:
    assert problems("signals:\n  price_cut: {}\n") == [
        "lot.yaml:5: signals.price_cut: unknown key 'price_cut'; expected one of: dedupe_hours,"
        " max_event_age_hours, repeat_views, price_drop, trade_in_finished, return_visit,"
        " service_equity, score, lifecycle, outreach"
    ]
    assert problems("signals: [repeat_views]\n") == [
        "lot.yaml:4: signals: ['repeat_views']: expected a mapping of the rules' settings,"
        " e.g. repeat_views: {count: 4}"
    ]
