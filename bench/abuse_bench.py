"""Abuse benchmark (issue 13: one signed 2 MB SMS froze the web process), in one run:

1. `/healthz` latency p50/p99 of `nightshift serve` (demo dealership, turns run by the web
   process's own job runner, as `make run` serves it): quiet (the baseline), then while one
   2 MB and twenty 100 KB signed SMS bodies are posted concurrently, batch after batch (each
   is refused at the edge), then while twenty shoppers' 1,600-character texts (the longest
   Twilio sends, built from the runs the old patterns were slowest on) are answered; the
   ratios against the quiet baseline. Target: p99 < 200 ms under the oversized posts.
2. The patterns fixed for linear time, before (the old pattern, compiled here) and after (the
   module's compiled pattern), on 40,000 characters of their worst input, in ms; a before
   time projected past 20 s is not run but estimated from 4,000 characters (quadratic).
Run: `make bench` (or `.venv/bin/python bench/abuse_bench.py`).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from agent import guardrails  # noqa: E402
from agent.engines.offline import answers, understand  # noqa: E402
from agent.nlu import vehicle_numbers  # noqa: E402
from bench.sms_bench import NIGHTSHIFT, PUBLIC, TOKEN, free_port, percentile, process, world  # noqa: E402
from contracts import notes  # noqa: E402
from crm_store import outbox  # noqa: E402
from crm_store.db import Store  # noqa: E402
from handoff import details  # noqa: E402

SMS = "/channels/twilio/sms"
SAMPLES = 300  # /healthz requests per phase
PAUSE = 0.01  # between /healthz requests
_OLD_NUMBER = r"\$?\s?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?(k|grand|thousand)?"
_OLD_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# name: (the module's pattern, the quadratic one it replaced, the worst repeated unit)
PATTERNS: dict[str, tuple[re.Pattern[str], re.Pattern[str], str]] = {
    "guardrails.EMAIL, as contact uses it (the finding)": (
        guardrails.EMAIL,
        re.compile(_OLD_EMAIL),
        "ab.",
    ),
    "understand.PHOTOS": (
        understand.PHOTOS,
        re.compile(r"\s*\[sent (\d+) photos?\]\s*$"),
        " ",
    ),
    "guardrails.EMAIL": (guardrails.EMAIL, re.compile(_OLD_EMAIL), "1a"),
    "guardrails._MONEY": (
        guardrails._MONEY,
        re.compile(
            r"(?:\$\s?(?P<a>\d[\d,]*(?:\.\d{1,2})?)\s*(?P<k>[kK]\b)?)"
            r"|(?:\b(?P<b>\d[\d,]*(?:\.\d{1,2})?)\s*(?:dollars|usd|bucks)\b)",
            re.IGNORECASE,
        ),
        "1,",
    ),
    "guardrails._CODE": (
        guardrails._CODE,
        re.compile(
            r"```|^\s*(?:def \w+\(|import \w+|from [\w.]+ import |class \w+[:(]|function \w*\("
            r"|<script)",
            re.MULTILINE,
        ),
        "\n",
    ),
    "notes.MARKER": (
        notes.MARKER,
        re.compile(
            r"[\[<]\s*(?P<close>/)?\s*(?P<role>system|sys|admin|developer|dev|assistant"
            r"|instructions?|inst|root|override|user|human|customer|shopper)\s*[\]>]\s*:?"
            r"|^\s*(?P<role2>system|admin|developer|assistant|user)\s*:",
            re.IGNORECASE | re.MULTILINE,
        ),
        "\n",
    ),
    "notes.JSON_PAYLOAD": (
        notes.JSON_PAYLOAD,
        re.compile(
            r"\{[^{}]*[\"'](?:role|system|content|instructions?|policy|prompt)[\"']\s*:[^{}]*\}",
            re.IGNORECASE,
        ),
        "{" + "'role':",  # one object opened, then keys without a closing brace
    ),
    "answers._QUESTION_BREAK": (
        answers._QUESTION_BREAK,
        re.compile(
            r"\?+\s*|[,;]?\s+(?:and|also|plus|&)\s+(?=(?:do|does|is|are|can|could|what|whats"
            r"|wat|how|when|where|any|r|u|y'?all)\b)",
            re.IGNORECASE,
        ),
        " ",
    ),
    "details.MILEAGE": (
        details.MILEAGE,
        re.compile(_OLD_NUMBER + r"\s?(miles|mi|k miles)\b", re.I),
        "1",
    ),
    "details.DOWN": (
        details.DOWN,
        re.compile(_OLD_NUMBER + r"\s?(down|down payment)\b", re.I),
        "12",
    ),
    "details.MONTHLY": (
        details.MONTHLY,
        re.compile(_OLD_NUMBER + r"\s?(a|per|/)\s?(month|mo)\b", re.I),
        "12",
    ),
    "vehicle_numbers._MONTHLY": (
        vehicle_numbers._MONTHLY,
        re.compile(
            r"\+?\b1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b|"
            r"\$?\s?\d[\d,]*(?:\.\d+)?\s?k?\s*(?:/\s*mo(?:nth)?\b|(?:a|an|per|each|every)\s+month\b"
            r"|monthly\b|mo\b)|\bpayments?\s+(?:(?:of|around|about|under|below|at)\s+)*\$?\s?\d[\d,]*"
            r"|\$?\s?\d[\d,]*(?:\.\d+)?\s?k?\s+down\b|\bdown\s+payment\s+(?:of\s+)?\$?\s?\d[\d,]*k?"
        ),
        "1",
    ),
}


def run_ms(pattern: re.Pattern[str], text: str) -> float:
    began = time.perf_counter()
    pattern.findall(text)
    pattern.sub(" ", text)
    return (time.perf_counter() - began) * 1000


def pattern_times(size: int = 40_000, budget_ms: float = 20_000) -> list[tuple[str, str, float]]:
    rows = []
    for name, (now, before, unit) in PATTERNS.items():
        head, unit = (unit[0], unit[1:]) if unit.startswith("{") else ("", unit)
        text = (head + unit * (size // len(unit) + 1))[:size]
        small = run_ms(before, text[: size // 10])
        projected = small * 100  # quadratic: ten times the text, a hundred times the time
        shown = f"{run_ms(before, text):9.1f}" if projected <= budget_ms else f"~{projected:8.0f}"
        rows.append((name, shown, run_ms(now, text)))
    return rows


def signed_post(client: httpx.Client, base: str, sid: str, sender: str, body: str) -> int:
    form = {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+18055550100",
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + SMS, form)
    try:
        answer = client.post(
            base + SMS, data=form, headers={"X-Twilio-Signature": signature}, timeout=120
        )
    except httpx.TransportError:
        return 0  # the server closed the connection while the body was still being sent
    return answer.status_code


def healthz_latencies(base: str, samples: int = SAMPLES) -> list[float]:
    times: list[float] = []
    with httpx.Client() as client:
        for _ in range(samples):
            began = time.perf_counter()
            client.get(base + "/healthz", timeout=60)
            times.append((time.perf_counter() - began) * 1000)
            time.sleep(PAUSE)
    return times


def while_running(base: str, load: Callable[[threading.Event], None]) -> list[float]:
    """/healthz latencies sampled while `load` runs in the background (until told to stop)."""
    stop = threading.Event()
    worker = threading.Thread(target=load, args=(stop,), daemon=True)
    worker.start()
    try:
        return healthz_latencies(base)
    finally:
        stop.set()
        worker.join(timeout=300)


def oversized_batches(base: str, answers: Counter[int]) -> Callable[[threading.Event], None]:
    """One 2 MB and twenty 100 KB signed SMS bodies at once, batch after batch."""
    bodies = ["ab." * 700_000] + ["ab." * 34_000] * 20

    def load(stop: threading.Event) -> None:
        batch = 0
        with ThreadPoolExecutor(max_workers=21) as pool, httpx.Client() as client:

            def post(n: int) -> int:
                sid, sender = f"SM{batch:08d}{n:024d}", f"+1805{7000000 + n:07d}"
                return signed_post(client, base, sid, sender, bodies[n])

            while not stop.is_set():
                batch += 1
                answers.update(pool.map(post, range(len(bodies))))

    return load


ADVERSARIAL_UNITS = ["ab.", "1", "1,", "\n", " ", "'role':", "12", "1a"]


def longest_texts(base: str, answers: Counter[int]) -> Callable[[threading.Event], None]:
    """Twenty shoppers at once, each texting 1,600 characters of an old pattern's worst input
    after a real question; the web process's job runner answers them meanwhile."""

    def load(stop: threading.Event) -> None:
        with ThreadPoolExecutor(max_workers=20) as pool, httpx.Client() as client:
            codes = pool.map(
                lambda n: signed_post(
                    client,
                    base,
                    f"SMLONG{n:026d}",
                    f"+1805{8000000 + n:07d}",
                    ("how much is your doc fee? " + ADVERSARIAL_UNITS[n % 8] * 1600)[:1600],
                ),
                range(20),
            )
            answers.update(codes)

    return load


def summary(label: str, times: list[float], base: list[float] | None = None) -> str:
    p50, p99 = statistics.median(times), percentile(times, 0.99)
    line = f"  {label:<58} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms"
    if base is not None:
        line += (
            f"   ratio p50 {p50 / statistics.median(base):5.1f}x"
            f"  p99 {p99 / percentile(base, 0.99):5.1f}x"
        )
    return line


def replies(store: Store) -> int:
    with store.unit_of_work() as uow:
        return outbox.total(uow)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        settings = world(folder)
        (folder / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "NIGHTSHIFT_DATA_DIR": str(folder),
            "TWILIO_AUTH_TOKEN": TOKEN,
            "PUBLIC_BASE_URL": PUBLIC,
            "LOG_LEVEL": "WARNING",
            "NIGHTSHIFT_RATE_LIMIT_PER_MINUTE": "0",  # /healthz is sampled fast on purpose
            "ORT_DISABLE_TELEMETRY": "1",
            "ANONYMIZED_TELEMETRY": "False",
        }
        base = f"http://127.0.0.1:{port}"
        store = Store(settings.database_url)
        oversized: Counter[int] = Counter()
        longest: Counter[int] = Counter()
        try:
            with process(
                NIGHTSHIFT, "serve", "--port", str(port), env=env, health=base + "/healthz"
            ):
                healthz_latencies(base, 20)  # warm up
                quiet = healthz_latencies(base)
                flooded = while_running(base, oversized_batches(base, oversized))
                before = replies(store)
                answering = while_running(base, longest_texts(base, longest))
                deadline = time.monotonic() + 300
                while replies(store) < before + 20 and time.monotonic() < deadline:
                    time.sleep(0.2)
                answered = replies(store) - before
        finally:
            store.dispose()
    print("Abuse: `nightshift serve` on the demo dealership, /healthz latency")
    print(summary("quiet (baseline)", quiet))
    print(summary("1 x 2 MB + 20 x 100 KB signed SMS, batch after batch", flooded, quiet))
    print(f"    answers to those posts: {dict(sorted(oversized.items()))} (0 = connection closed)")
    print(summary("20 x 1,600-char adversarial SMS, answered meanwhile", answering, quiet))
    print(f"    answers: {dict(sorted(longest.items()))}; replies queued: {answered} of 20")
    print("    target: p99 < 200 ms while the oversized bodies are posted")
    print("Patterns fixed for linear time, 40,000 characters of their worst input (ms):")
    print(f"  {'pattern':<34} {'before':>10} {'after':>9}   ratio")
    for name, shown, after in pattern_times():
        before_ms = float(shown.strip().lstrip("~"))
        print(f"  {name:<34} {shown:>10} {after:9.1f}   {before_ms / max(after, 0.01):7.0f}x")
    print("  (~: projected from 4,000 characters, not run)")


if __name__ == "__main__":
    main()
