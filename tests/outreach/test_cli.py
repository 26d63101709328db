"""`nightshift outreach start custom --phones CSV` and `nightshift outreach report`, run as an
operator runs them, on both backends (on the real clock: whether a send waits for the
morning depends on the hour the test runs, so only the totals are asserted)."""

from __future__ import annotations

import re
from pathlib import Path

from crm_store import customers, outbox
from crm_store.db import Store
from crm_store.types import Consent
from tests.factories import make_lot
from tests.lifecycle.test_cli import SLUG, nightshift, write

PHONES = "phone\n805-200-0001\n(805) 200-0002\n805 200 0003\n+1 212 200 0004\n"


def test_start_a_custom_campaign_then_report_it(store: Store, db_url: str, tmp_path: Path) -> None:
    dealer = make_lot(store).dealer
    with store.unit_of_work() as uow:
        for phone, consent in (
            ("+18052000001", Consent.GRANTED),
            ("+18052000002", Consent.REVOKED),
            ("+12122000004", Consent.GRANTED),
        ):
            found = customers.upsert_customer(uow, dealership_id=dealer.id, phone=phone)
            customers.record_consent(uow, customer_id=found.id, state=consent, source="form")
    path = write(tmp_path, "list.csv", PHONES)
    code, out, err = nightshift(
        db_url, "outreach", "start", "custom", "--dealership", SLUG, "--phones", path,
        "--message", "Spring service special this week.",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert re.fullmatch(
        r"campaign 1: 2 queued \([0-2] after quiet hours\), 2 suppressed, "
        r"no_consent 1, opted_out 1\n",
        out,
    )
    with store.reading() as uow:
        assert outbox.total(uow) == 0  # queued for the worker, nothing sent by the CLI

    code, out, err = nightshift(db_url, "outreach", "report", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "campaign 1 (custom): " + lines[0].split(": ", 1)[1]
    assert "  suppressed no_consent   1" in lines and "  suppressed opted_out    1" in lines
    assert lines[-1].split() == ["total", "4"]


def test_bad_input_is_named(store: Store, db_url: str, tmp_path: Path) -> None:
    make_lot(store)
    bad = write(tmp_path, "bad.csv", "phone\n805-200-0001\nnot a phone\n")
    code, out, err = nightshift(
        db_url, "outreach", "start", "custom", "--dealership", SLUG, "--phones", bad
    )
    assert (code, out) == (1, "")
    assert err.startswith("bad.csv: line 3: phone: 'not a phone' is not valid; expected")
    code, _, err = nightshift(db_url, "outreach", "start", "no_show", "--dealership", "nowhere")
    assert code == 2 and "--dealership" in err
    code, _, err = nightshift(db_url, "outreach", "report", "99")
    assert code == 2 and "no campaign 99" in err


def test_an_unknown_placeholder_is_named_and_nothing_starts(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    make_lot(store)
    path = write(tmp_path, "list.csv", PHONES)
    code, out, err = nightshift(
        db_url, "outreach", "start", "custom", "--dealership", SLUG, "--phones", path,
        "--message", "Hi {first_name}, {dealer} has a spring special.",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith("--message: unknown placeholder {dealer}; known: {first_name}")
    code, _, err = nightshift(db_url, "outreach", "report", "1")
    assert code == 2 and "no campaign 1" in err  # no campaign was started
