"""The site tag in real Chromium on a dealer's website: the real app on one port, the
dealer's pages on another (so the tag posts cross-origin, as on a real site). A vehicle page
with the one-line tag stores a `vdp_view` under the chat widget's visitor id, with the page's
path and never its query string; a page without a stock sends nothing; a page with the tag
and the widget, where the shopper chats and gives a phone number, puts the earlier views on
that customer. No console errors anywhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from crm_store import customers, dealerships
from crm_store.models import ShopperEvent
from nightshift.http.services import Services
from tests.browser import ARGS, CHROMIUM, require_chromium, watch_problems
from tests.demo import SLUG
from tests.helpers import free_port, serving_demo

REPLY_TIMEOUT_MS = 60_000
PHONE = "+18055550188"


def dealer_pages(app_base: str) -> dict[str, str]:
    """The dealer's site: pages by path, each embedding our scripts from `app_base`."""

    def page(title: str, body: str) -> str:
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<link rel="icon" href="data:,"><title>{title}</title></head>'
            f"<body>{body}</body></html>"
        )

    tag = f'<script src="{app_base}/signals.js" data-dealership="{SLUG}"'
    return {
        "/new/honda-civic-N26101": page(
            "2026 Civic", f'<h1>2026 Honda Civic</h1>{tag} data-stock="N26101" async></script>'
        ),
        "/service": page("Service", f"<h1>Service</h1>{tag} async></script>"),
        "/used/honda-cr-v-U24017": page(
            "Used CR-V",
            '<h1>2024 CR-V</h1><div class="vdp" data-nightshift-stock="U24017">Stock U24017</div>'
            f'{tag} async></script><script src="{app_base}/widget.js" data-dealership="{SLUG}">'
            "</script>",
        ),
    }


@pytest.fixture
def dealer_site(app: tuple[str, Services]) -> Iterator[str]:
    """The dealer's pages on their own port: another origin than the app's."""
    pages = dealer_pages(app[0])

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html = pages.get(self.path.split("?", 1)[0])
            self.send_response(200 if html else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((html or "not found").encode())

        def log_message(self, *_args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Pages)
    thread = threading.Thread(target=server.serve_forever, name="dealer-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app(tmp_path: Path, models_dir: Path) -> Iterator[tuple[str, Services]]:
    """The real app, its workers running (the chat answers), over the demo dealership."""
    with serving_demo(tmp_path, models_dir, inline_worker=True) as served:
        yield served


def stored(services: Services, count: int) -> list[ShopperEvent]:
    """The dealership's events once there are `count` (the tag posts in the background)."""
    deadline = time.monotonic() + 15
    while True:
        with services.store.reading() as uow:
            dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
            query = sa.select(ShopperEvent).where(ShopperEvent.dealership_id == dealer_id)
            rows = list(uow.session.scalars(query.order_by(ShopperEvent.id)))
            uow.session.expunge_all()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_a_vehicle_page_reports_its_view_and_a_chat_joins_it_to_the_shopper(
    app: tuple[str, Services], dealer_site: str
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    services = app[1]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context().new_page()
            problems = watch_problems(page)
            page.goto(dealer_site + "/new/honda-civic-N26101?email=dana%40example.com")
            [view] = stored(services, 1)
            visitor = page.evaluate(f"localStorage.getItem('nightshift:{SLUG}:session')")
            assert isinstance(visitor, str) and view.visitor_id == visitor
            assert (view.type, view.stock, view.customer_id) == ("vdp_view", "N26101", None)
            assert view.properties == {"page": "/new/honda-civic-N26101"}  # no query string
            assert page.context.cookies() == []

            page.goto(dealer_site + "/service")  # no stock on the page: nothing is sent
            page.goto(dealer_site + "/used/honda-cr-v-U24017")
            rows = stored(services, 2)
            assert [(r.stock, r.visitor_id) for r in rows] == [
                ("N26101", visitor),
                ("U24017", visitor),
            ]
            page.get_by_role("button", name="Chat with us").click()
            box = page.get_by_label("Type your message")
            box.type("Hi, I'm Sam Patel, call me at 805-555-0188")
            box.press("Enter")
            chat = page.get_by_role("log")
            expect(chat.locator(".assistant")).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
            assert page.evaluate(f"localStorage.getItem('nightshift:{SLUG}:session')") == visitor
        finally:
            browser.close()
    with services.store.reading() as uow:
        dealer_id = dealerships.id_for_slug(uow, slug=SLUG)
        shopper = customers.find_by_phone(uow, dealership_id=dealer_id, phone=PHONE)
    assert shopper is not None, "the chat did not learn the phone number"
    rows = stored(services, 2)
    assert len(rows) == 2  # the service page sent nothing
    assert [r.customer_id for r in rows] == [shopper.id, shopper.id]
    assert problems == []
