"""`nightshift timeline PHONE|EMAIL [--dealership SLUG] [--json] [--limit N]`: the
customer's timeline as the console shows it, as text lines or JSON; an unknown customer
exits 1, a phone or e-mail several dealerships know asks for --dealership; the words printed
are never logged."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from contracts.clock import FrozenClock
from crm_store import customers
from crm_store.db import Store
from nightshift.cli import app
from tests.console.customer_story import EMAIL, PHONE, Story
from tests.console.test_customer_timeline import EXPECTED, told
from tests.factories import make_lot

runner = CliRunner()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path, clock: FrozenClock) -> str:
    path = tmp_path / "nightshift.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def story(url: str, clock: FrozenClock) -> Story:
    store = Store(url, clock=clock)
    try:
        return told(store, clock)[1]
    finally:
        store.dispose()


def timeline(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["timeline", *args], env={"DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def test_text_lines_newest_first_with_the_words(
    sqlite_url: str, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    story(sqlite_url, clock)
    caplog.set_level(logging.DEBUG)
    code, out, err = timeline(sqlite_url, "(805) 555-0142")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Dana Ruiz ((805) 555-0142 · dana.ruiz@example.com) at Harbor Point Honda"
    assert lines[1] == (
        "2026-03-06 09:00 service_visit Service visit: ro: R-1182; work: oil change;"
        " mileage: 28900 [service]"
    )
    titles = [line for line in lines[1:] if not line.startswith("    ")]
    assert [t[17:].split(" ", 1)[0] for t in titles] == [kind for _, kind, _ in EXPECTED]
    note = "2026-03-05 11:20 note          Note by Maria Lopez [staff only]"
    assert lines[lines.index(note) + 1] == "    Call after 5."
    assert lines[-1] == "    Is the Civic still there?"
    assert not any("CarPlay" in r.getMessage() or PHONE in r.getMessage() for r in caplog.records)


def test_json_one_object_per_entry_by_email_and_limit(sqlite_url: str, clock: FrozenClock) -> None:
    story(sqlite_url, clock)
    code, out, err = timeline(sqlite_url, EMAIL.upper(), "--json", "--limit", "3")
    assert code == 0, err
    entries = json.loads(out)
    assert [e["kind"] for e in entries] == ["service_visit", "consent", "appointment"]
    assert entries[2] == {
        "at": "2026-03-05T14:40:00-08:00",
        "kind": "appointment",
        "title": "Showed for the test drive: 2021 Civic EX (U2101), Thu Mar 5 14:00",
        "id": 2,
        "event": "showed",
        "vehicle": "2021 Civic EX (U2101)",
        "starts_at": "2026-03-05T14:00:00-08:00",
        "status": "showed",
        "staff": "Maria Lopez",
        "by": "Maria Lopez",
    }
    code, out, _ = timeline(sqlite_url, PHONE, "--json")
    assert code == 0
    full = json.loads(out)
    assert len(full) == len(EXPECTED)
    views = [e for e in full if e["kind"] == "activity"]
    assert [(e["stock"], e["count"]) for e in views] == [("U2101", 2), ("S6012", 5)]
    assert full[-1]["text"] == "Is the Civic still there?" and full[-1]["channel"] == "sms"


def test_unknown_and_ambiguous_customers(sqlite_url: str, clock: FrozenClock) -> None:
    story(sqlite_url, clock)
    code, out, err = timeline(sqlite_url, "nobody@example.com")
    assert (code, out) == (1, "")
    assert "no customer with e-mail 'nobody@example.com'" in err
    store = Store(sqlite_url, clock=clock)
    try:
        other = make_lot(store, slug="desert-sun-toyota")
        with store.unit_of_work() as uow:
            customers.upsert_customer(
                uow, dealership_id=other.dealer.id, phone="6025550100", email=EMAIL
            )
    finally:
        store.dispose()
    code, out, err = timeline(sqlite_url, EMAIL)
    assert code == 2 and out == ""
    assert "desert-sun-toyota, harbor-point-honda" in err and "--dealership" in err
    code, out, err = timeline(sqlite_url, EMAIL, "--dealership", "desert-sun-toyota")
    assert code == 0, err
    assert len(out.splitlines()) == 1 and "Dana" not in out  # theirs: unnamed, no history
    code, out, err = timeline(sqlite_url, EMAIL, "--dealership", "harbor-point-honda")
    assert code == 0 and "Call after 5." in out
    code, _, err = timeline(sqlite_url, "not a phone")
    assert code == 2 and "expected a phone number or an e-mail address" in err
