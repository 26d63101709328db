"""The knowledge base on a real Chroma folder: idempotent ingest, edits, retrieval."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings

from knowledge.chroma_function import FUNCTION_NAME, MiniLMEmbeddingFunction
from knowledge.chunking import chunk_document
from knowledge.embeddings import Embedder
from knowledge.store import Document, IngestError, KnowledgeBase, citation, collection_name
from tests.knowledge.conftest import DEALER

LOANERS_V1 = """# Service department

## Loaner vehicles

Loaner vehicles are available by appointment for repairs that take longer than a day.
Ask the service advisor to reserve one; the loaner fleet is limited to twelve cars.
"""

LOANERS_V2 = """# Service department

## Courtesy rides

We no longer offer loaners. A courtesy Lyft ride is available for repairs over four hours.
"""


@pytest.mark.parametrize(
    ("question", "title", "must_contain"),
    [
        ("how much is the doc fee", "Documentation fee", "$85"),
        ("do you have fast chargers", "EV charging", "DC fast charger"),
        ("can I put down a deposit to hold a car", "Deposits and holds", "$500"),
        ("do you speak spanish", "Languages spoken", "Spanish"),
        ("can I take a test drive by myself", "Test drive policy", "solo"),
        ("what warranty comes with a new honda", "Warranty", "36,000"),
        ("which banks do you work with", "Financing partners", "Credit Union"),
        ("do you deliver to my house", "Home delivery", "25 miles"),
    ],
)
def test_paraphrased_questions_find_the_passage(
    demo_kb: KnowledgeBase, question: str, title: str, must_contain: str
) -> None:
    best = demo_kb.search(DEALER, question, k=4)[0]
    assert best.title == title
    assert must_contain in best.text
    assert best.source == f"world:{title}"


def test_hours_question_ranks_hours_in_top_two(demo_kb: KnowledgeBase) -> None:
    titles = [p.title for p in demo_kb.search(DEALER, "what time do you open on saturday", k=2)]
    assert "Hours and location" in titles


def test_scores_are_cosines_best_first(demo_kb: KnowledgeBase, embedder: Embedder) -> None:
    passages = demo_kb.search(DEALER, "how much is the doc fee", k=5)
    assert len(passages) == 5
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)
    assert scores[0] > 0.3


def test_reupsert_same_text_is_idempotent(
    demo_kb: KnowledgeBase, demo_knowledge: list[dict[str, Any]]
) -> None:
    before = demo_kb.count(DEALER)
    expected = [
        len(chunk_document(doc["text"], title=doc["title"], fmt="markdown"))
        for doc in demo_knowledge
    ]
    assert before == sum(expected) >= len(demo_knowledge)
    for doc, count in zip(demo_knowledge, expected, strict=True):
        n = demo_kb.upsert_document(
            DEALER, source=f"world:{doc['title']}", title=doc["title"], text=doc["text"]
        )
        assert n == count
    assert demo_kb.count(DEALER) == before


def test_edited_file_replaces_all_its_chunks(kb: KnowledgeBase, tmp_path: Path) -> None:
    doc = tmp_path / "docs" / "service.md"
    doc.parent.mkdir()
    doc.write_text(LOANERS_V1 + "\n\n" + " ".join(["Filler sentence for size."] * 60))
    [(source, first)] = kb.ingest_path(DEALER, doc)
    assert source == str(doc.resolve()) and first >= 2
    assert any("twelve cars" in p.text for p in kb.search(DEALER, "loaner car fleet size", k=4))

    doc.write_text(LOANERS_V2)
    assert kb.ingest_path(DEALER, doc) == [(source, 1)]
    assert kb.count(DEALER) == 1
    passages = kb.search(DEALER, "loaner car fleet size", k=4)
    assert all("twelve cars" not in p.text for p in passages)
    assert passages[0].heading == "Service department › Courtesy rides"
    assert passages[0].title == "Service department"
    assert passages[0].citation == "Service department › Courtesy rides"


def test_remove_source(demo_kb: KnowledgeBase) -> None:
    before = demo_kb.count(DEALER)
    demo_kb.remove_source(DEALER, "world:EV charging")
    assert demo_kb.count(DEALER) == before - 1
    assert all(p.title != "EV charging" for p in demo_kb.search(DEALER, "fast chargers", k=4))
    demo_kb.remove_source(DEALER, "world:never-ingested")
    demo_kb.remove_source("other-dealer", "world:EV charging")
    assert demo_kb.count(DEALER) == before - 1


def test_dealerships_are_isolated(demo_kb: KnowledgeBase) -> None:
    assert demo_kb.count("other-dealer") == 0
    assert demo_kb.search("other-dealer", "doc fee") == []
    demo_kb.upsert_document("other-dealer", source="world:Fee", title="Fee", text="Doc fee: $99.")
    assert demo_kb.search("other-dealer", "doc fee")[0].text == "Doc fee: $99."
    assert all("$99" not in p.text for p in demo_kb.search(DEALER, "doc fee", k=13))


def test_persists_across_instances(demo_kb: KnowledgeBase, embedder: Embedder) -> None:
    reopened = KnowledgeBase(demo_kb.path, embedder)
    assert reopened.count(DEALER) == demo_kb.count(DEALER)
    assert reopened.search(DEALER, "how much is the doc fee")[0].title == "Documentation fee"


def test_collection_uses_our_embedding_function(demo_kb: KnowledgeBase) -> None:
    collection = demo_kb.collection(DEALER, create=False)
    assert collection is not None
    assert isinstance(collection._embedding_function, MiniLMEmbeddingFunction)
    assert collection.configuration["hnsw"]["space"] == "cosine"
    # A client that knows nothing about us rebuilds our function from the persisted config.
    client = chromadb.PersistentClient(
        path=str(demo_kb.path), settings=Settings(anonymized_telemetry=False)
    )
    persisted = client.get_collection(collection_name(DEALER)).configuration
    function = persisted["embedding_function"]
    assert isinstance(function, MiniLMEmbeddingFunction)
    assert function.name() == FUNCTION_NAME
    assert function.embedder is demo_kb.embedder


def test_ingest_folder(kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    (folder / "hours.md").write_text("# Hours\n\nOpen 9 to 8 on weekdays.")
    (folder / "sub" / "fees.html").write_text("<h1>Fees</h1><p>Doc fee is $85.</p>")
    (folder / "notes.txt").write_text("Parking is free in the front lot.")
    (folder / "logo.png").write_bytes(b"\x89PNG")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "secret.md").write_text("# Secret\n\nnope")
    results = kb.ingest_path(DEALER, folder)
    assert [Path(s).name for s, _ in results] == ["hours.md", "notes.txt", "fees.html"]
    assert [n for _, n in results] == [1, 1, 1]
    titles = {p.title for p in kb.search(DEALER, "anything", k=10)}
    assert titles == {"Hours", "notes", "Fees"}


def test_bad_inputs_name_the_value(kb: KnowledgeBase, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file or folder"):
        kb.ingest_path(DEALER, tmp_path / "missing.md")
    pdf = tmp_path / "brochure.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(IngestError, match=r"brochure.pdf: unsupported file type '.pdf'"):
        kb.ingest_path(DEALER, pdf)
    with pytest.raises(ValueError, match="dealership='Bad Slug!'"):
        kb.count("Bad Slug!")
    with pytest.raises(ValueError, match="k=0"):
        kb.search(DEALER, "x", k=0)


def test_batch_upsert_mixes_unchanged_edited_and_new(kb: KnowledgeBase) -> None:
    docs = [Document(source=f"world:{t}", title=t, text=f"{t} policy text.") for t in "ABC"]
    assert kb.upsert_documents(DEALER, docs) == [1, 1, 1]
    before = {p.source: p.text for p in kb.search(DEALER, "policy", k=10)}
    edited = [docs[0], Document(source="world:B", title="B", text="B changed."), docs[2]]
    new = Document(source="world:D", title="D", text="D policy text.")
    assert kb.upsert_documents(DEALER, [*edited, new]) == [1, 1, 1, 1]
    after = {p.source: p.text for p in kb.search(DEALER, "policy", k=10)}
    assert kb.count(DEALER) == 4
    assert after == {**before, "world:B": "B changed.", "world:D": "D policy text."}
    with pytest.raises(ValueError, match="each source may appear only once"):
        kb.upsert_documents(DEALER, [docs[0], docs[0]])


def test_emptied_source_leaves_no_chunks(kb: KnowledgeBase) -> None:
    kb.upsert_document(DEALER, source="world:Temp", title="Temp", text="Temporary notice.")
    assert kb.count(DEALER) == 1
    assert kb.upsert_document(DEALER, source="world:Temp", title="Temp", text="  ") == 0
    assert kb.count(DEALER) == 0


def test_concurrent_searches_and_writes(demo_kb: KnowledgeBase) -> None:
    start = demo_kb.count(DEALER)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(5):
                passages = demo_kb.search(DEALER, "how much is the doc fee", k=1)
                results.append([p.title for p in passages])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    def writer(n: int) -> None:
        try:
            demo_kb.upsert_document(
                DEALER, source=f"world:extra-{n}", title=f"Parking {n}", text="Parking is free."
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    threads += [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [["Documentation fee"]] * 20
    assert demo_kb.count(DEALER) == start + 3


def test_chroma_telemetry_is_off(kb: KnowledgeBase) -> None:
    assert kb._client.get_settings().anonymized_telemetry is False


def test_citation_does_not_repeat_the_title() -> None:
    assert citation("Service", "Service › Loaners") == "Service › Loaners"
    assert citation("Service", "Service") == "Service"
    assert citation("FAQ", "Hours") == "FAQ › Hours"
    assert citation("Documentation fee", "") == "Documentation fee"
    assert citation("Service", "Service hours") == "Service › Service hours"
