"""The console's canned replies: `/console/canned` lists the dealership-wide ones and the
signed-in staff member's own, and adds or deletes one (dealership-wide: managers only).
Using one is the conversation page's (`?canned=ID` fills the reply box)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from console.canned import KNOWN, NotAllowed
from crm_store.errors import InvalidValue, NotFound
from crm_store.staff_sessions import SessionRecord
from crm_store.types import Role
from nightshift.http.auth import STAFF, Principal, page_requires
from nightshift.http.console_pages import message, redirect, render
from nightshift.http.deps import ServicesDep
from nightshift.http.forms import FormDep
from nightshift.http.services import Services

router = APIRouter(prefix="/console/canned", tags=["console"])
SignedInStaff = Annotated[Principal, Depends(page_requires(*STAFF))]
NOTICES = {"created": "Canned reply saved.", "deleted": "Canned reply deleted."}


@router.get("", response_class=HTMLResponse)
def canned_page(who: SignedInStaff, services: ServicesDep, done: str | None = None) -> Response:
    """The canned replies this staff member may use, and the form to add one."""
    return _page(services, _session(who), notice=NOTICES.get(done or ""))


@router.post("", response_class=HTMLResponse)
def create(who: SignedInStaff, services: ServicesDep, form: FormDep) -> Response:
    """A new canned reply: personal, or with `shared` dealership-wide (managers only)."""
    session = _session(who)
    title, body = form.get("title", ""), form.get("body", "")
    try:
        services.canned.create(session, title=title, body=body, shared=bool(form.get("shared")))
    except NotAllowed as exc:
        return message("Not allowed", str(exc), status=403)
    except InvalidValue as exc:
        return _page(services, session, error=str(exc), title=title, body=body, status=422)
    return redirect(f"{router.prefix}?done=created")


@router.post("/{reply_id}/delete", response_class=HTMLResponse)
def delete(reply_id: int, who: SignedInStaff, services: ServicesDep) -> Response:
    """Delete one's own canned reply, or as a manager a dealership-wide one."""
    try:
        services.canned.delete(_session(who), reply_id)
    except NotFound as exc:
        return message("Not found", str(exc), status=404)
    except NotAllowed as exc:
        return message("Not allowed", str(exc), status=403)
    return redirect(f"{router.prefix}?done=deleted")


def _page(
    services: Services,
    session: SessionRecord,
    *,
    notice: str | None = None,
    error: str | None = None,
    title: str = "",
    body: str = "",
    status: int = 200,
) -> HTMLResponse:
    return render(
        "canned.html",
        status=status,
        title="Canned replies",
        who=session,
        replies=services.canned.list(session),
        manager=session.role is Role.MANAGER,
        fields=KNOWN,
        notice=notice,
        error=error,
        draft_title=title,
        draft_body=body,
    )


def _session(who: Principal) -> SessionRecord:
    assert who.session is not None  # a page rule authenticates by session only
    return who.session
