"""Web chat: the embeddable widget (`static/widget.js`), its WebSocket/HTTP API and a demo page.

Imports `contracts`, `crm_store` service modules, FastAPI/Starlette; never the agent or the
composition root. Replies reach the widget through the `Bus` (see `channels.web_sender`).
"""

from channels.web.page import demo_page
from channels.web.router import web_router

__all__ = ["demo_page", "web_router"]
