"""The baseline for the SMS benchmark: a bare FastAPI endpoint that stores the webhook's
message in SQLite (WAL) and answers empty TwiML; nothing else. Served by uvicorn in its own
process, like ours (`BARE_DB` names the database file)."""

from __future__ import annotations

import os
import sqlite3
import threading
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response

db = sqlite3.connect(os.environ.get("BARE_DB", "bare.db"), check_same_thread=False)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE IF NOT EXISTS m (sid TEXT UNIQUE, body TEXT)")
lock = threading.Lock()
app = FastAPI()


@app.get("/healthz")
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/channels/twilio/sms")
async def sms(request: Request) -> Response:
    form = dict(parse_qsl((await request.body()).decode()))
    with lock:
        db.execute("INSERT INTO m VALUES (?, ?)", (form["MessageSid"], form["Body"]))
        db.commit()
    return Response("<Response></Response>", media_type="application/xml")
