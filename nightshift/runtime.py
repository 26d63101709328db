"""Everything a running Nightshift needs, built in one place: store, knowledge, engine,
checkpointer, graph and pipeline. The app lifespan, `nightshift chat` and the scenario runner
all open the same runtime, so a scenario plays through the same code a shopper reaches."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import cast

from langchain_core.runnables import RunnableConfig

from agent import prompts
from agent.context import AgentDeps
from agent.engines import Engine
from agent.graph import AgentGraph, build_graph
from booking.follow_ups import AppointmentJobs
from channels.log_sender import LogSmsSender
from channels.web_sender import WebSender
from console.cleanup import SignInCleanup
from console.config import ConsoleConfig
from contracts.channels import Sender
from contracts.clock import Clock, SystemClock
from contracts.dialogue import Slots
from contracts.mail import Mailer
from crm_store import conversations, dealerships, knowledge_docs
from crm_store.db import Store
from crm_store.records import HandoffRecord
from crm_store.types import Channel
from crm_store.uow import UnitOfWork
from handoff.detect import detect
from handoff.flow import HandoffFlow
from handoff.summary import LeadReason, LeadScore, ShopperFacts
from knowledge.embeddings import Embedder, get_embedder
from knowledge.store import KnowledgeBase
from nightshift.conversation.pipeline import Pipeline
from nightshift.conversation.turns import BACKGROUND_TURNS, INBOUND_JOB, TURN_JOB
from nightshift.infra.bus import LocalBus, RedisBus
from nightshift.infra.checkpoints import open_checkpointer
from nightshift.infra.mail import build_mailer
from nightshift.jobs.delivery import Dispatcher
from nightshift.jobs.quarantine import ShopperMessages
from nightshift.jobs.runner import LEASE, JobRunner
from nightshift.settings import Settings
from signals import alerting
from signals.outreach_send import OutreachJobs
from signals.score_facts import lead_score


@dataclass
class Runtime:
    settings: Settings
    store: Store
    knowledge: KnowledgeBase
    embedder: Embedder
    engine: Engine
    graph: AgentGraph
    pipeline: Pipeline
    clock: Clock
    bus: LocalBus
    dispatcher: Dispatcher
    jobs: JobRunner
    mailer: Mailer
    handoffs: HandoffFlow


def build_senders(settings: Settings, store: Store, bus: LocalBus) -> dict[Channel, Sender]:
    """SMS through Twilio when credentials are set, else the labelled log transport; web
    chat through the live bus."""
    sms: Sender
    twilio = settings.twilio
    if twilio.account_sid and twilio.auth_token:
        from channels.twilio.sender import TwilioSender

        sms = TwilioSender(
            twilio.account_sid,
            twilio.auth_token.get_secret_value(),
            from_number=twilio.from_number,
            messaging_service_sid=twilio.messaging_service_sid,
            status_callback=settings.public_base_url + "/channels/twilio/status",
        )
    else:
        sms = LogSmsSender(log_bodies=settings.log_bodies)

    def topic_of(conversation_id: int) -> str:
        with store.unit_of_work() as uow:
            return conversations.get_conversation(uow, conversation_id=conversation_id).public_id

    return {Channel.SMS: sms, Channel.WEB: WebSender(bus, topic_of)}


def build_engine(settings: Settings, deps: AgentDeps, embedder: Embedder) -> Engine:
    if settings.engine == "openai":
        from agent.engines.openai import OpenAIEngine

        return OpenAIEngine(
            deps,
            model=settings.openai_model,
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
            # A model call and its one retry must both fit inside the turn budget, so a retry
            # never starts after the pipeline has given up on the turn.
            timeout=settings.engine_timeout_seconds * 0.45,
        )
    from agent.engines.offline.engine import OfflineEngine

    return OfflineEngine(deps, embedder)


@contextmanager
def open_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    models_dir: Path | None = None,
    start_workers: bool = False,
) -> Iterator[Runtime]:
    """Everything wired. With `start_workers`, background threads run due jobs (queued turns,
    reminders, ack timeouts) and drain the outbox (the server, `nightshift worker`);
    otherwise jobs and replies wait in the database (CLI chat, scenarios, tests)."""
    clock = clock or SystemClock()
    store = Store(settings.database_url, clock=clock)
    bus: LocalBus = RedisBus(settings.redis_url) if settings.redis_url else LocalBus()
    senders = build_senders(settings, store, bus)
    dispatcher = Dispatcher(store, senders, clock)
    embedder = get_embedder(models_dir or settings.data_dir / "models")
    knowledge = KnowledgeBase(settings.data_dir / "chroma", embedder)
    deps = AgentDeps(
        store=store,
        knowledge=knowledge,
        clock=clock,
        booking=settings.booking.policy,
        public_base_url=settings.public_base_url,
        escalation=lambda text: detect(text).reasons,
    )
    engine = build_engine(settings, deps, embedder)
    try:
        with open_checkpointer(settings.database_url) as checkpointer:
            graph = build_graph(engine, deps, checkpointer)
            wakeup = threading.Event()  # a job due now was queued: the runner looks at once
            mailer = build_mailer(settings)
            follow_ups = AppointmentJobs(
                store, settings.booking, mailer, texts=prompts.render, on_queued=dispatcher.kick
            )
            flow = HandoffFlow(
                store,
                settings.handoff_config(settings.signing_key()),
                senders[Channel.SMS],
                mailer,
                slots_of=_slots_reader(graph),
                score_of=_lead_score,
            )
            pipeline = Pipeline(
                deps,
                graph,
                timeout_seconds=settings.engine_timeout_seconds,
                bus=bus,
                on_queued=dispatcher.kick,
                on_turn_queued=wakeup.set,
                handoffs=flow,
                reply_cap=settings.max_replies_per_10_min,
            )
            cleanup = SignInCleanup(store, ConsoleConfig(settings.public_base_url))
            runner = JobRunner(
                store,
                {
                    TURN_JOB: pipeline.run_turn_job,
                    INBOUND_JOB: pipeline.run_inbound_job,
                    **follow_ups.handlers(),
                    **flow.handlers(),
                    **cleanup.handlers(),
                    **OutreachJobs(store, on_queued=dispatcher.kick).handlers(),
                },
                # A short lease, renewed while a job runs: a dead worker's job is back within
                # seconds. A turn gives up after the engine timeout, so a job still running
                # after twice that and a minute is stuck, and let go.
                lease=LEASE,
                max_run=timedelta(seconds=60 + 2 * settings.engine_timeout_seconds),
                max_attempts=settings.job_max_attempts,
                on_quarantine=ShopperMessages(store, pipeline).handlers(),
                concurrency=BACKGROUND_TURNS[settings.engine],
                poll_seconds=settings.job_poll_seconds,
                wakeup=wakeup,
            )
            if start_workers:
                cleanup.schedule_next()  # once a day, keyed by the day (`console.cleanup`)
                dispatcher.start()
                runner.start()
            _freeze_built_heap()
            try:
                yield Runtime(
                    settings,
                    store,
                    knowledge,
                    embedder,
                    engine,
                    graph,
                    pipeline,
                    clock,
                    bus,
                    dispatcher,
                    runner,
                    mailer,
                    flow,
                )
            finally:
                gc.unfreeze()  # what this runtime built may be collected once it is closed
                runner.stop()
                pipeline.close()
                dispatcher.stop()
    finally:
        if isinstance(bus, RedisBus):
            bus.close()
        store.dispose()


def _freeze_built_heap() -> None:
    """Keep what is alive once the runtime is built (modules, prompts, the embedding model,
    engines, the compiled graph: ~250k objects) out of the cyclic collector's walks. A full
    collection that starts in a shopper's turn then walks only what turns made since, instead
    of stalling the turn for the whole heap (hundreds of ms on 2 cores). Garbage left by an
    earlier runtime is collected first, so none of it is kept for good."""
    gc.collect()
    gc.freeze()


def _slots_reader(graph: AgentGraph) -> Callable[[int], Slots]:
    """The conversation's slots as last checkpointed (for a handoff summary built later)."""

    def slots_of(conversation_id: int) -> Slots:
        config: RunnableConfig = {"configurable": {"thread_id": str(conversation_id)}}
        snapshot = graph.get_state(config)
        saved = dict((snapshot.values or {}).get("slots") or {})
        return cast(Slots, saved)  # as the graph checkpointed them: untyped once loaded

    return slots_of


def _lead_score(uow: UnitOfWork, found: HandoffRecord, facts: ShopperFacts) -> LeadScore:
    """The handoff summary's lead score (`signals.score`): the customer's from the store,
    weighed by the dealership's weights (its `signals: {score: ...}`), with the budget,
    trade-in and financing the conversation established counted as now."""
    said = [key for key in ("budget", "trade_in", "financing") if facts.get(key)]
    weights = alerting.load(uow, dealership_id=found.dealership_id).config.score
    lead = lead_score(
        uow,
        dealership_id=found.dealership_id,
        customer_id=found.customer_id,
        said=said,
        weights=weights,
    )
    return LeadScore(
        value=lead.value,
        text=lead.text(),
        reasons=[LeadReason(code=r.code, words=r.words, points=r.points) for r in lead.reasons],
    )


def sync_world_knowledge(store: Store, knowledge: KnowledgeBase, slug: str) -> int:
    """Index the dealership's configured knowledge texts into its Chroma collection.

    Idempotent: unchanged texts are not re-embedded, edited ones replace their old chunks.
    Returns the number of chunks indexed for these texts.
    """
    with store.unit_of_work() as uow:
        dealer = dealerships.get_dealership(uow, slug=slug)
        docs = knowledge_docs.list_docs(uow, dealership_id=dealer.id)
    return sum(
        knowledge.upsert_document(
            slug, source=f"world:{doc.title}", title=doc.title, text=doc.text, fmt="text"
        )
        for doc in docs
    )
