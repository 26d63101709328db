"""API tokens for tests of staff routes, made through the store as `nightshift api-token
create` makes them."""

from __future__ import annotations

from crm_store import api_tokens, dealerships, staff
from crm_store.db import Store


def api_token(store: Store, slug: str, *, staff_handle: str | None = None) -> str:
    """A new token of dealership `slug`: acting as `staff_handle`, else an integration."""
    with store.unit_of_work() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=slug)
        member = (
            staff.find_staff(uow, dealership_id=dealer_id, handle=staff_handle)
            if staff_handle
            else None
        )
        _, token = api_tokens.create_token(
            uow,
            dealership_id=dealer_id,
            name=staff_handle or "test integration",
            staff_id=member.id if member else None,
        )
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
