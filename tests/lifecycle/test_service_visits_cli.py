"""`nightshift import service-visits`, run as a user runs it, on both backends: counts on
success, nothing twice on a re-import, and a bad file prints each problem, exits 1 and
stores no event."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from crm_store.db import Store
from crm_store.models import ShopperEvent
from tests.factories import make_lot
from tests.lifecycle.test_cli import SLUG, nightshift, write

VISITS = """\
ro_number,visit_at,phone,email,name,mileage
R-1,2026-01-10 10:00,555-123-0001,,,
R-2,2026-01-11T09:00:00-08:00,,sam.new@example.com,Sam New,12000
"""


def stored(store: Store) -> list[tuple[str, str | None]]:
    with store.reading() as uow:
        rows = uow.session.execute(sa.select(ShopperEvent.type, ShopperEvent.event_id)).all()
    return sorted((t, e) for t, e in rows)


def test_import_service_visits_twice_then_a_bad_file(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    make_lot(store)
    path = write(tmp_path, "visits.csv", VISITS)
    code, out, err = nightshift(db_url, "import", "service-visits", path, "--dealership", SLUG)
    assert (code, err) == (0, "")
    assert out == (
        "visits.csv: 2 visits imported (0 seen before); 1 new customers, 0 mileages updated,"
        " 0 alerts\n"
    )
    code, out, _ = nightshift(db_url, "import", "service-visits", path, "--dealership", SLUG)
    assert out.startswith("visits.csv: 0 visits imported (2 seen before);")
    assert stored(store) == [("service_visit", "ro:R-1"), ("service_visit", "ro:R-2")]

    bad = write(tmp_path, "bad.csv", "ro_number,visit_at,phone\nR-3,yesterday,555-123-0001\n")
    code, out, err = nightshift(db_url, "import", "service-visits", bad, "--dealership", SLUG)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "bad.csv: line 2, column visit_at: 'yesterday' is not a time; expected 2026-05-12 10:00"
        " (dealership time) or ISO 8601",
        "bad.csv: 1 problem(s); nothing was imported",
    ]
    assert len(stored(store)) == 2
