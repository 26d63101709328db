"""The `site` fixture of `test_events_api` (the real app over the demo dealership, with an
integration API token, on SQLite and PostgreSQL), shared with the other HTTP tests here."""

from tests.signals.test_events_api import site  # noqa: F401
