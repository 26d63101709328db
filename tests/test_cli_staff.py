"""`nightshift staff login-link | invite`: the printed link signs the staff member in."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from crm_store import migrate
from crm_store.db import Store
from nightshift.app import create_app
from nightshift.world import apply_world, load_world_file
from tests.console.test_sign_in_http import redeem
from tests.demo import DEMO, SLUG, demo_settings
from tests.helpers import run_cli

MARIA = "maria.lopez@harborpointhonda.example"


def _demo_db(folder: Path) -> str:
    url = f"sqlite:///{folder}/nightshift.db"
    migrate.upgrade(url)
    store = Store(url)
    try:
        apply_world(store, load_world_file(DEMO))
    finally:
        store.dispose()
    return url


def test_a_printed_login_link_signs_the_demo_manager_in(tmp_path: Path, models_dir: Path) -> None:
    url = _demo_db(tmp_path)
    printed = run_cli("staff", "login-link", "--role", "manager", database_url=url)
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.strip()
    assert link.startswith("http://127.0.0.1:8000/console/sign-in/"), printed.stdout
    assert "Daniel Brooks (manager), Harbor Point Honda" in printed.stderr
    assert "It works once, until" in printed.stderr and "nightshift staff login-link" in (
        printed.stderr
    )
    settings = demo_settings(tmp_path, database_url=url)
    with TestClient(create_app(settings, models_dir=models_dir), follow_redirects=False) as web:
        path = link.removeprefix("http://127.0.0.1:8000")
        assert redeem(web, path).status_code == 303
        home = web.get("/console")
        assert "Signed in as <strong>Daniel Brooks</strong> (manager)" in home.text
        assert redeem(web, path).status_code == 400  # once only


def test_an_invite_is_printed_and_refusals_say_why(tmp_path: Path) -> None:
    url = _demo_db(tmp_path)
    invite = run_cli("staff", "invite", MARIA, "--dealership", SLUG, database_url=url)
    assert invite.returncode == 0, invite.stderr
    assert "/console/sign-in/" in invite.stdout and "Maria Lopez (sales)" in invite.stderr
    unknown = run_cli("staff", "login-link", "nobody@example.com", database_url=url)
    assert unknown.returncode == 1
    assert "no staff member of this dealership has this e-mail" in unknown.stderr
    assert unknown.stdout == ""
    neither = run_cli("staff", "login-link", database_url=url)
    assert neither.returncode == 1 and "--role" in neither.stderr
    bad_role = run_cli("staff", "login-link", "--role", "boss", database_url=url)
    assert bad_role.returncode == 1 and "'boss' is not a staff role" in bad_role.stderr
    elsewhere = run_cli("staff", "login-link", MARIA, "--dealership", "nowhere", database_url=url)
    assert elsewhere.returncode == 1 and "nowhere" in elsewhere.stderr
