"""Answers from the dealership's own pages: which page, which two sentences, one answer per
question when a message asks several, and what to bring to a test drive.

The words come from the pages themselves (`search_knowledge` passages, or the whole page from
the knowledge record); only the no-match line comes from `agent/prompts/replies.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np

from agent import prompts
from agent.context import AgentDeps, TurnContext
from agent.engines.offline import misuse
from agent.engines.offline.intents import EmbedderLike
from agent.engines.offline.understand import Understanding
from agent.relevance import overlap, stems
from contracts.dialogue import Slots, SlotUpdate
from crm_store import knowledge_docs

_WHERE = re.compile(r"\b(where|located|location|address|directions|find you)\b", re.IGNORECASE)
_ADDRESS = re.compile(
    r"\b\d{2,6}\s+[A-Z][\w ]*\b(Blvd|Boulevard|St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Way|"
    r"Hwy|Highway|Pkwy|Parkway|Lane|Ln)\b"
)
_NEEDS = re.compile(r"\b(need|bring|requir\w*|documents?|paperwork)\b", re.IGNORECASE)
_REQUIREMENT = re.compile(r"\b(must|requir\w*|bring|license|proof|documents?)\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.,])\d+(?:[.,]\d+)*(?![\d])")
_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)\s*-?\s*([a-z]{2,})", re.IGNORECASE)
_FIGURE = re.compile(
    r"\b(how much|cost|fee|price|charge|how many|how long|when|what time|hours?|warrant\w*|"
    r"open|close)\b",
    re.IGNORECASE,
)


# `(?<!\s)`: a break starts where its blanks start, not again inside them (linear time).
_QUESTION_BREAK = re.compile(
    r"\?+\s*|[,;]?(?<!\s)\s+(?:and|also|plus|&)\s+(?=(?:do|does|is|are|can|could|what|whats"
    r"|wat|how|when|where|any|r|u|y'?all)\b)",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(r"\b(it|that|this|they|them|those|these|one)\b", re.IGNORECASE)
# Another page is read when its retrieval score is this share of the best page's; its
# sentences must beat the best page's by this much to answer instead.
_CLOSE_PAGE = 0.65
_OTHER_PAGE = 0.05


def bring(results: list[dict[str, Any]]) -> str:
    """The sentence of the knowledge results that says what to bring to a test drive (licence,
    insurance), with a leading space to follow the booking line; "" when none says."""
    passages = [p for result in results for p in result.get("passages", [])]
    # the test-drive page first: "bring your license" on the buying page is not for the drive
    passages.sort(key=lambda p: "drive" not in f"{p['title']} {p.get('heading') or ''}".lower())
    sentences = [sentence for passage in passages for sentence in _sentences(passage["text"])]
    for pattern in (r"\b(license|licence|insurance)\b", r"\bbring\b"):
        for sentence in sentences:
            if re.search(pattern, sentence, re.IGNORECASE):
                return " " + sentence
    return ""


def more_questions(text: str) -> list[str]:
    """The separate questions of a message that asks several ("whats ur doc fee and do u
    deliver"), each standing on its own; [] when it asks one, or when a later part leans on
    an earlier one ("how much is the deposit and is it refundable")."""
    parts = [p.strip(" ,.!") for p in _QUESTION_BREAK.split(text)]
    parts = [p for p in parts if len(p.split()) >= 2]
    if len(parts) < 2 or any(_BACK_REFERENCE.search(p) for p in parts[1:]):
        return []
    return parts[:3]


def claim_reply(
    m: Understanding,
    slots: Slots,
    results: list[tuple[str, dict[str, Any]]],
    ctx: TurnContext,
    deps: AgentDeps,
    embedder: EmbedderLike,
) -> tuple[str, SlotUpdate] | None:
    """A standing asked to be confirmed ("k so im approved?", "so its on hold for me right"):
    nothing is confirmed, and the page saying how it is really given answers, its sentences
    chosen for what it is about (`misuse.CLAIMS`). None when this is no such turn or no page
    says (a person is then asked, as for any unanswered question)."""
    if slots.get("last_intent") != misuse.CLAIM_CHECK:
        return None
    if any(n == "request_human" for n, _ in results):
        return None
    found = [r for n, r in results if n == "search_knowledge" and r.get("passages")]
    if not found or found[-1].get("weak"):
        return None
    kind, query = misuse.claim_asked(m.text) or ("approval", m.text)
    seed = f"{ctx.conversation_id}:{ctx.turn}"
    answer = knowledge_text(found[-1], replace(m, text=query), embedder, documents(ctx, deps))
    return f"{prompts.render(f'claim_{kind}', seed)} {answer}", {"pending": None}


def beside_listing(
    m: Understanding,
    results: list[tuple[str, dict[str, Any]]],
    ctx: TurnContext,
    deps: AgentDeps,
) -> str:
    """What the dealership's pages add to a listing's answer when the question asks it under a
    condition the listing cannot speak to ("what about the range in winter here": "222-mile
    EPA range", then the page's "In an Anchorage winter an EV's range is shorter..."): the
    page sentence naming both the thing asked about and the condition (in it or its page's
    title), with a leading space; "" when none does or this turn read no listing."""
    names = [n for n, _ in results]
    if not m.feature or set(names) - {"get_vehicle", "search_inventory"} or len(names) > 1:
        return ""  # one listing read, nothing else (no wider search, no page, no person)
    listed = [r["vehicle"] for n, r in results if n == "get_vehicle" and "vehicle" in r] or [
        v for n, r in results if n == "search_inventory" for v in r.get("vehicles") or []
    ]
    if len(listed) != 1:  # one listing answered
        return ""
    vehicle = listed[0]
    named = " ".join(str(vehicle.get(k) or "") for k in ("title", "make", "model", "trim"))
    asked = stems(m.feature.replace(" + ", " "))
    condition = stems(m.text) - asked - stems(named) - _NO_CONDITION
    if not condition:
        return ""
    best: tuple[int, str, str] | None = None
    for title, text in documents(ctx, deps).items():
        for sentence in _sentences(text):
            said = stems(sentence)
            met = len(condition & (said | stems(title)))
            if met and asked & said and (best is None or met > best[0]):
                best = (met, sentence, title)
    return f" {best[1]} (Source: {best[2]})" if best else ""


# Words of a question that set no condition on it ("what about the range *here* *now*", "how
# *fast* does it charge")
_NO_CONDITION = stems(
    "here there now right really actually exactly listed listing say says said has have got"
    " come comes with much many long far big good does did whats thing things fast quick"
    " quickly speed rate go goes get gets"
)


def documents(ctx: TurnContext, deps: AgentDeps) -> dict[str, str]:
    """The dealership's pages, whole, by title."""
    with deps.store.reading() as uow:
        docs = knowledge_docs.list_docs(uow, dealership_id=ctx.dealership_id)
    return {d.title: d.text for d in docs}


def knowledge_answers(
    results: list[dict[str, Any]],
    m: Understanding,
    embedder: EmbedderLike,
    documents: dict[str, str],
) -> list[str]:
    """An answer to each question the message asks (`results` are the searches for the whole
    message and for each of `more_questions`); the whole message when it asks one."""
    primary, *more = results
    asked = [
        (replace(m, text=question), found)
        for question, found in zip(more_questions(m.text), more, strict=False)
        if not found.get("weak") and found.get("passages")
    ]
    if not asked:  # one question, or its parts alone find nothing: the message as a whole
        return [knowledge_text(primary, m, embedder, documents)]
    pages: dict[str, list[str]] = {}  # one answer per page, each sentence once
    for question, found in asked:
        title, sentences = _best_sentences(found, question, embedder, documents)
        kept = pages.setdefault(title, [])
        kept += [sentence for sentence in sentences if sentence not in kept]
    return [f"{' '.join(sentences)} (Source: {title})" for title, sentences in pages.items()]


def knowledge_text(
    result: dict[str, Any], m: Understanding, embedder: EmbedderLike, documents: dict[str, str]
) -> str:
    """The two sentences of the best-matching page that best answer the question, with the
    page's title. The whole page is read (not only the retrieved chunk), so the answer can
    come from its opening sentence, which usually states the topic."""
    if not result.get("passages"):
        return prompts.render("no_match", "")
    title, answer = _best_sentences(result, m, embedder, documents)
    return f"{' '.join(answer)} (Source: {title})"


def _best_sentences(
    result: dict[str, Any], m: Understanding, embedder: EmbedderLike, documents: dict[str, str]
) -> tuple[str, list[str]]:
    """The page and its two sentences that best answer `m`, in page order. For a follow-up
    (searched with its topic in front, which favours the topic's page), the pages found nearly
    as well are read too: "what do I need to bring for it" about a trade-in is answered by the
    trade-in sentence of the "what to bring" page."""
    passages = result["passages"]
    best = float(passages[0].get("score", 0.0)) if result.get("query") else float("inf")
    close = [p["title"] for p in passages if float(p.get("score", 0.0)) >= best * _CLOSE_PAGE]
    titles = list(dict.fromkeys([passages[0]["title"], *close]))[:2]
    page_of: list[str] = []
    sentences: list[str] = []
    for title in titles:
        text = documents.get(title) or " ".join(p["text"] for p in passages if p["title"] == title)
        for sentence in _sentences(text):
            page_of.append(title)
            sentences.append(sentence)
    # a follow-up is judged as searched, with its topic ("Trade-in appraisal: what do i bring")
    asked = str(result.get("query") or m.text)
    vectors = np.asarray(embedder.embed([asked, *sentences]), dtype=np.float32)
    similarity = vectors[1:] @ vectors[0]
    wants_figure = bool(_FIGURE.search(m.text))
    wants_place = bool(_WHERE.search(m.text))
    wants_needs = bool(_NEEDS.search(m.text))
    numbers, amounts = _quantities(m.text)  # "50 miles out": the sentence with 50 miles
    scores = [
        float(similarity[i])
        + 0.25 * overlap(m.text, sentence)
        + 0.1 * overlap(asked, sentence)  # the topic's words, for a follow-up
        + (0.08 if i == 0 or page_of[i] != page_of[i - 1] else 0.0)  # a page's opening
        - (0.0 if page_of[i] == titles[0] else _OTHER_PAGE)
        + (0.1 if wants_figure and re.search(r"\d", sentence) else 0.0)
        + (0.2 if wants_place and _ADDRESS.search(sentence) else 0.0)
        + (0.12 if wants_needs and _REQUIREMENT.search(sentence) else 0.0)
        + _quantity_bonus(numbers, amounts, sentence)
        + (0.15 if _names_shared(m.text, sentence) else 0.0)  # "i live in wasilla": Wasilla's
        for i, sentence in enumerate(sentences)
    ]
    ranked = sorted(range(len(sentences)), key=lambda i: -scores[i])
    title = page_of[ranked[0]]
    chosen = sorted([i for i in ranked if page_of[i] == title][:2])
    return title, [sentences[i] for i in chosen]


def _names_shared(question: str, sentence: str) -> bool:
    """Whether the question names a place or name the sentence names (a capitalised word not
    opening it): "i live in wasilla" and "a city ... such as Wasilla or Palmer"."""
    names = {w.lower() for w in re.findall(r"(?<=[a-z,;:] )[A-Z][a-z]{3,}", sentence)}
    return bool(names & set(re.findall(r"[a-z]+", question.lower())))


def _quantities(text: str) -> tuple[set[str], set[tuple[str, str]]]:
    """The numbers in `text`, and each with the word after it ("50 miles" -> ("50", "mile"))."""
    numbers = set(_NUMBER.findall(text))
    amounts = {(n, u.lower().rstrip("s")) for n, u in _AMOUNT.findall(text)}
    return numbers, amounts


def _quantity_bonus(numbers: set[str], amounts: set[tuple[str, str]], sentence: str) -> float:
    """A sentence stating the shopper's own quantity (same number and unit) is very likely the
    answer; the same number alone, likely."""
    found, stated = _quantities(sentence)
    if amounts & stated:
        return 0.35
    return 0.15 if numbers & found else 0.0


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"$])", " ".join(text.split()))
    return [p.strip() for p in parts if p.strip()]
