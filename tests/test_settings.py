"""Settings come from the environment (and .env); the demo needs none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from nightshift.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def test_defaults_need_no_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "NIGHTSHIFT_ENGINE", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///var/nightshift.db"
    assert settings.engine == "offline" and settings.openai_api_key is None


def test_env_example_lists_every_variable_and_loads_as_is(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text()
    listed = {
        line.split("=", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    }
    read = {
        alias
        for field in Settings.model_fields.values()
        for alias in field.validation_alias.choices  # type: ignore[union-attr]
        if isinstance(alias, str) and alias.isupper()
    }
    assert listed == read
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(text)
    for name in listed:
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.openai_base_url is None and settings.dealership is None
    assert settings.port == 8000


def test_bad_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIGHTSHIFT_PORT", "eighty")
    with pytest.raises(ValidationError, match="NIGHTSHIFT_PORT"):
        Settings(_env_file=None)  # type: ignore[call-arg]
