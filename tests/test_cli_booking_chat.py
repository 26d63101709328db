"""The scripted chat of issue 14, typed into `nightshift chat` (piped stdin, one line a turn)
on the demo dealership with the real clock: "tomorrow after work like 6" offers open times
around 6 PM tomorrow for the truck under discussion and books nothing; "ok 5:30 then" names
5:30 PM, which was offered, and books it (one appointment, that truck, that time)."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from tests.helpers import NIGHTSHIFT, ROOT, run_cli

DEMO = ROOT / "examples" / "demo-dealership.yaml"
LA = ZoneInfo("America/Los_Angeles")
PHONE = "+15550107788"


def _chat(lines: list[str], url: str, data: Path) -> list[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "NIGHTSHIFT_DATA_DIR": str(data),
        "ORT_DISABLE_TELEMETRY": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    done = subprocess.run(
        [NIGHTSHIFT, "chat", "--phone", PHONE],
        input="\n".join(lines) + "\n",
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line.startswith("assistant> ")]


def _appointments(url: str) -> list[tuple[str, datetime]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "select v.stock, a.starts_at from appointments a"
                    " join vehicles v on v.id = a.vehicle_id where a.status != 'cancelled'"
                )
            ).all()
    finally:
        engine.dispose()
    out = []
    for stock, starts in rows:
        moment = starts if isinstance(starts, datetime) else datetime.fromisoformat(str(starts))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))
        out.append((str(stock), moment.astimezone(LA).replace(tzinfo=None)))
    return out


def test_scripted_truck_chat_offers_times_around_six_then_books_the_named_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/nightshift.db"
    assert run_cli("db", "upgrade", database_url=url).returncode == 0
    loaded = subprocess.run(
        [NIGHTSHIFT, "load-world", str(DEMO)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "NIGHTSHIFT_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert loaded.returncode == 0, loaded.stderr
    tomorrow: date = datetime.now(LA).date() + timedelta(days=1)

    replies = _chat(
        [
            "hey do you guys have any used trucks under 30k",
            "whats the mileage on the cheapest one",
            "can i come see it tomorrow after work like 6?",
        ],
        url,
        tmp_path,
    )
    assert len(replies) == 3, replies
    truck = re.search(r"\(stock (\w+)\)", replies[1])
    assert truck is not None, replies[1]
    offer = replies[2]
    assert f"{tomorrow:%B} {tomorrow.day}" in offer, offer  # tomorrow's times...
    assert re.search(r"\b(5:30|6:00|6:30) PM\b", offer), offer  # ...around 6 PM
    assert "AM" not in offer.split(":", 1)[1], offer
    assert _appointments(url) == []  # nothing booked before a time is picked

    [booked] = _chat(["ok 5:30 then"], url, tmp_path)
    assert "5:30 PM" in booked
    assert _appointments(url) == [
        (
            truck.group(1),
            datetime.combine(tomorrow, datetime.min.time()).replace(hour=17, minute=30),
        )
    ]
