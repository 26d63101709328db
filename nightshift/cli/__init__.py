"""The `nightshift` command line. Every command honours DATABASE_URL (see .env.example)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from nightshift.settings import Settings

log = logging.getLogger("nightshift.cli")
app = typer.Typer(
    help="Nightshift: an AI assistant for car dealerships.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db", help="Database migrations: upgrade, downgrade, current, check.")


def load_settings() -> Settings:
    """Settings from the environment and .env; a bad value exits 2 with the variable named."""
    try:
        return Settings()
    except ValidationError as exc:
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            known = field in Settings.model_fields
            name = Settings.env_names(field)[0] if known else field.upper() or "(settings)"
            typer.echo(f"setting {name}: {error['msg']} (got {error.get('input')!r})", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind [default: NIGHTSHIFT_HOST]")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port [default: NIGHTSHIFT_PORT or 8000]")
    ] = None,
) -> None:
    """Serve the web chat, staff pages and API (http://127.0.0.1:8000 by default)."""
    import uvicorn

    from nightshift.app import create_app
    from nightshift.http.limits import WS_MAX_BYTES
    from nightshift.infra.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        ws_max_size=WS_MAX_BYTES,  # uvicorn's default is 16 MB per WebSocket frame
    )


@app.command()
def worker() -> None:
    """Run queued jobs (assistant turns, reminders, ack timeouts) and send the outbox, in
    this process, until stopped; the web process then runs with NIGHTSHIFT_INLINE_WORKER=false."""
    import os
    import signal
    import threading

    from nightshift.infra.logs import configure_logging, event
    from nightshift.runtime import open_runtime

    settings = load_settings()
    configure_logging(settings.log_level)
    if settings.worker_nice:
        # Beside a web process on the same machine, webhooks (which Twilio times) come
        # first; a turn can wait the few milliseconds.
        os.nice(settings.worker_nice)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with open_runtime(settings, start_workers=True):
        if not settings.redis_url:
            event(
                log,
                "worker_without_redis",
                level=logging.WARNING,
                detail="web chat replies reach only this process; set REDIS_URL",
            )
        event(log, "worker_started", engine=settings.engine)
        stop.wait()
    event(log, "worker_stopped")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Migrate the database up to the latest schema (creates a SQLite file if needed)."""
    from crm_store import migrate

    settings = load_settings()
    migrate.upgrade(settings.database_url, revision)
    typer.echo(f"database at revision {migrate.current_revision(settings.database_url)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision, e.g. base or -1")],
) -> None:
    """Migrate the database down to REVISION (`base` drops every table)."""
    from crm_store import migrate

    settings = load_settings()
    migrate.downgrade(settings.database_url, revision)
    typer.echo(f"database at revision {migrate.current_revision(settings.database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the latest one."""
    from crm_store import migrate

    settings = load_settings()
    current = migrate.current_revision(settings.database_url)
    typer.echo(f"current: {current or '(empty database)'}  head: {migrate.head_revision()}")


@db_app.command("check")
def db_check() -> None:
    """Exit 1 if the models and the migrated database disagree (a migration is missing)."""
    from crm_store import migrate

    settings = load_settings()
    differences = migrate.drift(settings.database_url)
    for difference in differences:
        typer.echo(f"differs: {difference}")
    if differences:
        raise typer.Exit(1)
    typer.echo("models and migrations agree")


@app.command("load-world")
def load_world(
    file: Annotated[Path, typer.Argument(help="A world YAML file (see ../shared/EVAL_FORMAT.md)")],
    slug: Annotated[
        str | None, typer.Option(help="Dealership slug [default: from its name]")
    ] = None,
) -> None:
    """Validate a dealership world file and upsert it; on any problem nothing is written."""
    from crm_store.db import Store
    from nightshift.world import WorldFileError, apply_world, load_world_file

    settings = load_settings()
    try:
        world = load_world_file(file)
    except WorldFileError as exc:
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"{file}: {len(exc.problems)} problem(s); nothing was written", err=True)
        raise typer.Exit(2) from None
    store = Store(settings.database_url)
    try:
        summary = apply_world(store, world, slug=slug)
        from knowledge.store import open_knowledge_base
        from nightshift.runtime import sync_world_knowledge

        chunks = sync_world_knowledge(
            store, open_knowledge_base(settings.data_dir), summary.dealership.slug
        )
    finally:
        store.dispose()
    typer.echo(f"loaded {summary}; {chunks} knowledge chunks indexed")


@app.command()
def chat(
    engine: Annotated[
        str | None, typer.Option(help="offline or openai [default: NIGHTSHIFT_ENGINE]")
    ] = None,
    phone: Annotated[
        str | None, typer.Option(help="Chat as this phone number (SMS channel)")
    ] = None,
    session: Annotated[str | None, typer.Option(help="Chat as this web session")] = None,
    dealership: Annotated[
        str | None, typer.Option(help="Dealership slug [default: the first]")
    ] = None,
) -> None:
    """Talk to the assistant in the terminal (reads piped stdin, one line per turn)."""
    import sys

    from contracts.messages import InboundMessage
    from crm_store import dealerships
    from nightshift.runtime import open_runtime

    settings = load_settings()
    if engine is not None:
        if engine not in ("offline", "openai"):
            typer.echo(f"--engine: {engine!r}: expected offline or openai", err=True)
            raise typer.Exit(2)
        settings = settings.model_copy(update={"engine": engine})
    if phone and session:
        typer.echo("give --phone or --session, not both", err=True)
        raise typer.Exit(2)
    channel = "sms" if phone or not session else "web"
    sender = phone or session or "+15550009999"
    interactive = sys.stdin.isatty()
    with open_runtime(settings) as runtime:
        with runtime.store.unit_of_work() as uow:
            known = dealerships.list_dealerships(uow)
        chosen = [d for d in known if d.slug == (dealership or settings.dealership)] or known[:1]
        if not chosen:
            typer.echo("no dealership loaded: run nightshift load-world FILE.yaml", err=True)
            raise typer.Exit(2)
        slug = chosen[0].slug
        if interactive:
            typer.echo(f"Chatting with {chosen[0].name} as {sender} ({channel}); Ctrl-D ends.")
        while True:
            if interactive:
                typer.echo("you> ", nl=False)
            line = sys.stdin.readline()
            if not line:
                break
            if not line.strip():
                continue
            result = runtime.pipeline.handle_inbound(
                InboundMessage(dealership=slug, channel=channel, sender=sender, body=line.strip())  # type: ignore[arg-type]
            )
            for reply in result.replies:
                typer.echo(f"assistant> {reply.body}")
            if not result.replies:
                typer.echo(f"(no reply: {result.outcome})")


@app.command()
def transcript(
    key: Annotated[str, typer.Argument(help="Phone number, web session, or conversation id")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text")] = False,
) -> None:
    """Print a conversation: local time, channel, direction, author, text, SMS delivery."""
    import json

    from crm_store.db import Store
    from crm_store.errors import NotFound
    from nightshift.conversation import transcript as tr

    settings = load_settings()
    store = Store(settings.database_url)
    try:
        with store.unit_of_work() as uow:
            try:
                found = [tr.build(uow, c) for c in tr.find_conversations(uow, key)]
            except NotFound as exc:
                typer.echo(str(exc), err=True)
                raise typer.Exit(2) from None
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps([tr.as_dict(t) for t in found], indent=2, ensure_ascii=False))
    else:
        typer.echo("\n\n".join(tr.render_text(t) for t in found))


def _register_subcommands() -> None:
    from evals.cli import eval_command
    from knowledge.cli import app as knowledge_app
    from nightshift.cli.conversations import app as conversations_app
    from nightshift.cli.equity import app as equity_app
    from nightshift.cli.imports import app as imports_app
    from nightshift.cli.jobs import app as jobs_app
    from nightshift.cli.outreach import app as outreach_app
    from nightshift.cli.staff import app as staff_app
    from nightshift.cli.timeline import timeline_command
    from nightshift.cli.tokens import app as tokens_app

    app.command("eval")(eval_command)
    app.command("timeline")(timeline_command)
    app.add_typer(knowledge_app, name="knowledge", help="Ingest and search dealership knowledge.")
    app.add_typer(jobs_app, name="jobs", help="Quarantined jobs: list them, retry one.")
    app.add_typer(conversations_app, name="conversations", help="Save as QA scenario; CSV export.")
    app.add_typer(
        tokens_app, name="api-token", help="API tokens for staff routes and integrations."
    )
    app.add_typer(staff_app, name="staff", help="Staff console sign-in: invites, login links.")
    app.add_typer(imports_app, name="import", help="Import owners and finance, book values.")
    app.add_typer(equity_app, name="equity", help="Equity and lifecycle flags: the report.")
    app.add_typer(outreach_app, name="outreach", help="SMS outreach campaigns: start, report.")


_register_subcommands()


def main() -> None:
    app()
