"""`nightshift api-token`: the token is printed once, stored only as a hash, listed without
it, and revoked for good; mistakes exit 2 with a clear message."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from crm_store import api_tokens, migrate
from crm_store.db import Store
from crm_store.models import ApiToken
from nightshift.world import apply_world, load_world_file
from tests.demo import DEMO, SLUG
from tests.helpers import run_cli


def test_create_list_revoke(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/t.db"
    migrate.upgrade(url)
    store = Store(url)
    apply_world(store, load_world_file(DEMO))
    try:
        made = run_cli(
            "api-token", "create", "--dealership", SLUG, "--staff", "maria", database_url=url
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip()
        assert token.startswith("nst_") and len(token) > 40
        assert "maria" in made.stderr and "only now" in made.stderr
        with store.reading() as uow:
            [row] = uow.session.scalars(sa.select(ApiToken)).all()
            assert row.token_hash == api_tokens.hash_token(token) and token not in row.token_hash
            found = api_tokens.authenticate(uow, token=token)
            assert found is not None and found.staff_handle == "maria"

        listed = run_cli("api-token", "list", "--dealership", SLUG, database_url=url)
        assert listed.returncode == 0 and token not in listed.stdout
        assert "maria" in listed.stdout and "active" in listed.stdout

        revoked = run_cli(
            "api-token", "revoke", "--dealership", SLUG, str(row.id), database_url=url
        )
        assert revoked.returncode == 0 and "revoked" in revoked.stdout
        with store.reading() as uow:
            assert api_tokens.authenticate(uow, token=token) is None

        nowhere = run_cli(
            "api-token", "create", "--dealership", "nowhere", "--name", "x", database_url=url
        )
        assert nowhere.returncode == 2 and "nowhere" in nowhere.stderr and not nowhere.stdout
        nameless = run_cli("api-token", "create", "--dealership", SLUG, database_url=url)
        assert nameless.returncode == 2 and "--name" in nameless.stderr
        nobody = run_cli(
            "api-token", "create", "--dealership", SLUG, "--staff", "nobody", database_url=url
        )
        assert nobody.returncode == 2 and "nobody" in nobody.stderr
    finally:
        store.dispose()
