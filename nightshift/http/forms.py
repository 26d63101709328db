"""HTML form bodies (application/x-www-form-urlencoded) as the console's pages post them.

Parsed here with the standard library rather than with python-multipart: the console's
forms are a few short text fields, never files. The body is already bounded by
`nightshift.http.limits.BodyLimit`, and Starlette keeps it on the request, so the rule that
checks a form's CSRF field and the route that reads the form both read it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request

FORM = "application/x-www-form-urlencoded"


async def read_form(request: Request) -> Mapping[str, str]:
    """The form's fields (the first value of each); empty for any other kind of body."""
    if not request.headers.get("content-type", "").startswith(FORM):
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    fields: dict[str, str] = {}
    for name, value in parse_qsl(body, keep_blank_values=True):
        fields.setdefault(name, value)
    return fields


FormDep = Annotated[Mapping[str, str], Depends(read_form)]
