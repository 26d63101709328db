"""`nightshift import owners | book-values` and `nightshift equity report`, run as a user
runs them (typer's CliRunner, DATABASE_URL in the environment), on both backends: counts on
success; a bad file prints each problem, exits 1 and changes nothing; the report lists the
flagged customers with their numbers, as text or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crm_store.db import Store
from crm_store.ownership import list_ownerships
from nightshift.cli import app
from tests.factories import make_lot
from tests.lifecycle.owners_csv import BOOK_VALUES, OWNERS

runner = CliRunner()
SLUG = "harbor-point-honda"


def nightshift(db_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"DATABASE_URL": db_url})
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_then_report(store: Store, db_url: str, tmp_path: Path) -> None:
    make_lot(store)
    owners = write(tmp_path, "owners.csv", OWNERS)
    code, out, err = nightshift(db_url, "import", "owners", owners, "--dealership", SLUG)
    assert code == 0, err
    assert out == (
        "owners.csv: 2 vehicles imported (2 new, 0 updated); 1 new customers; 0 consents recorded\n"
    )
    code, out, err = nightshift(db_url, "import", "owners", owners, "--dealership", SLUG)
    assert out == (
        "owners.csv: 2 vehicles imported (0 new, 2 updated); 0 new customers; 0 consents recorded\n"
    )
    books = write(tmp_path, "books.csv", BOOK_VALUES)
    code, out, err = nightshift(db_url, "import", "book-values", books, "--dealership", SLUG)
    assert (code, out) == (0, "books.csv: book-value table replaced; 3 rows\n"), err

    code, out, err = nightshift(
        db_url, "equity", "report", "--dealership", SLUG, "--as-of", "2026-12-05"
    )
    assert code == 0, err
    assert out.splitlines() == [
        "Dana Ruiz: 2021 Honda CR-V EX, 41,200 mi; about $4,200 equity (18%) by book value"
        " table; lease ends in 3 months (Mar 5, 2027)",
        "Jane Ortiz: 2020 Honda Accord Sport, 38,000 mi; about $17,100 equity (86%) by book"
        " value table; loan 54 of 60 months in (90%); warranty ends in 1 month (Feb 1, 2027)",
    ]
    code, out, err = nightshift(
        db_url, "equity", "report", "--dealership", SLUG, "--as-of", "2026-12-05", "--json"
    )
    dana = json.loads(out)[0]
    assert (dana["value"], dana["owed"], dana["owed_how"], dana["equity"]) == (
        "23200.00",
        "19000.00",
        "lease residual",
        "4200.00",
    )
    assert [f["kind"] for f in dana["flags"]] == ["equity", "lease_ending"]
    make_lot(store, slug="second-lot")  # nothing imported there
    code, out, _ = nightshift(
        db_url, "equity", "report", "--dealership", "second-lot", "--as-of", "2026-12-05"
    )
    assert (code, out) == (0, "no flagged customers at Harbor Point Honda on 2026-12-05\n")


def test_a_bad_file_prints_every_problem_and_changes_nothing(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    lot = make_lot(store)
    owners = write(tmp_path, "owners.csv", OWNERS)
    assert nightshift(db_url, "import", "owners", owners, "--dealership", SLUG)[0] == 0
    with store.reading() as uow:
        before = list_ownerships(uow, dealership_id=lot.dealer.id)
    # a good row that would change Dana's mileage and add a VIN, and two bad rows
    bad = (
        "phone,vin,year,make,model,mileage,finance_kind,term_months\n"
        "5551230001,7FARW2H87ME012345,2021,Honda,CR-V,50000,,\n"
        "5551230009,2T1BURHE0JC012345,2018,Toyota,Corolla,,,\n"
        "5551230003,5YJ3E1EA7KF312345,20019,Tesla,Model 3,,,\n"
        "5551230004,3VW2B7AJ5HM212345,2017,VW,Jetta,12 000,lease,36\n"
    )
    code, out, err = nightshift(
        db_url, "import", "owners", write(tmp_path, "bad.csv", bad), "--dealership", SLUG
    )
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "bad.csv: line 4, column year: '20019' is not a whole number in range;"
        " expected a whole number from 1,900 to 2,100",
        "bad.csv: line 5, column mileage: '12 000' is not a whole number in range;"
        " expected a whole number from 0 to 2,000,000",
        "bad.csv: line 5, column finance_start: empty; expected a date like 2026-03-01",
        "bad.csv: line 5, column residual: empty; expected the lease's residual in dollars",
        "bad.csv: 4 problem(s); nothing was imported",
    ]
    with store.reading() as uow:
        assert list_ownerships(uow, dealership_id=lot.dealer.id) == before


def test_an_unknown_dealership_or_missing_file(db_url: str, tmp_path: Path) -> None:
    owners = write(tmp_path, "owners.csv", OWNERS)
    code, _, err = nightshift(db_url, "import", "owners", owners, "--dealership", "nope")
    assert (code, err) == (2, "--dealership: dealership 'nope' not found\n")
    code, _, err = nightshift(
        db_url, "import", "book-values", str(tmp_path / "none.csv"), "--dealership", SLUG
    )
    assert code == 1 and "cannot read it" in err
