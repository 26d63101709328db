"""The dealership knowledge base: one persistent Chroma collection per dealership.

Contracts:

- A *source* is a stable id for one document (a file path, or ``"world:<title>"``). Its
  chunks carry ``source`` and ``content_hash`` metadata; chunk ids hash source, chunk index
  and chunk text, so ingesting the same content twice changes nothing, and an edited source
  has all its old chunks replaced (new chunks are written before stale ones are deleted).
- Every collection is opened with `MiniLMEmbeddingFunction` and cosine space; Chroma's
  default embedding function (which downloads a model) is never used.
- `search` scores are cosine similarities in [-1, 1], best first.
- Writes are serialised per knowledge base instance (a lock), reads are not; all methods
  may be called from worker threads.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import chromadb
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Where
from chromadb.config import Settings
from chromadb.errors import NotFoundError

from knowledge.chroma_function import MiniLMEmbeddingFunction
from knowledge.chunking import HEADING_SEPARATOR, Chunk, chunk_document
from knowledge.embeddings import Embedder
from knowledge.files import Document, IngestError, iter_documents, read_document
from knowledge.parsing import normalise_format

__all__ = ["Document", "IngestError", "KnowledgeBase", "Passage", "open_knowledge_base"]

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,60}[a-z0-9])?$")
_SOURCES_PER_LOOKUP = 500


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: cite `title` (and `heading`), quote `text`; `source` is its id."""

    title: str
    heading: str
    text: str
    score: float
    source: str

    @property
    def citation(self) -> str:
        """``"Title › Heading path"`` without repeating a title the path already starts with."""
        return citation(self.title, self.heading)


def citation(title: str, heading: str) -> str:
    """Title and heading path joined by " › ", the title dropped when the path repeats it."""
    if not heading:
        return title
    if not title or heading == title or heading.startswith(title + HEADING_SEPARATOR):
        return heading
    return f"{title}{HEADING_SEPARATOR}{heading}"


def collection_name(dealership: str) -> str:
    """Chroma collection for a dealership slug (lowercase letters, digits, '-' or '_')."""
    if not _SLUG.match(dealership):
        raise ValueError(
            f"dealership={dealership!r}: expected a slug of lowercase letters, digits, '-' or '_'"
        )
    return f"kb-{dealership}"


def content_hash(*, title: str, text: str, fmt: str) -> str:
    return hashlib.sha256(f"{fmt}\0{title}\0{text}".encode()).hexdigest()


def chunk_id(source: str, index: int, text: str) -> str:
    return hashlib.sha256(f"{source}\0{index}\0{text}".encode()).hexdigest()[:40]


def embedding_input(chunk: Chunk) -> str:
    """What gets embedded: the chunk text with its title and heading path as context."""
    context = citation(chunk.title, chunk.heading)
    return f"{context}\n{chunk.text}" if context else chunk.text


class KnowledgeBase:
    """Persistent per-dealership knowledge collections stored under `path`."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        self.path = Path(path)
        self.embedder = embedder
        self.embedding_function = MiniLMEmbeddingFunction(embedder)
        self._client = chromadb.PersistentClient(
            path=str(self.path), settings=Settings(anonymized_telemetry=False)
        )
        self._write_lock = threading.Lock()
        self._handles_lock = threading.Lock()
        self._handles: dict[str, Collection] = {}

    def collection(self, dealership: str, *, create: bool = True) -> Collection | None:
        """The dealership's collection, always bound to our embedding function.

        With ``create=False`` a dealership that has no collection yet gives None. Handles are
        cached per instance (collections are never dropped by this class).
        """
        name = collection_name(dealership)
        with self._handles_lock:
            cached = self._handles.get(name)
            if cached is not None:
                return cached
            try:
                if create:
                    found = self._client.get_or_create_collection(
                        name,
                        configuration={"hnsw": {"space": "cosine"}},
                        embedding_function=self.embedding_function,
                    )
                else:
                    found = self._client.get_collection(
                        name, embedding_function=self.embedding_function
                    )
            except NotFoundError:
                return None
            self._handles[name] = found
            return found

    def upsert_document(
        self, dealership: str, *, source: str, title: str, text: str, fmt: str = "markdown"
    ) -> int:
        """Index `text` as `source`; returns its chunk count. Idempotent; edits replace."""
        document = Document(source=source, title=title, text=text, fmt=fmt)
        return self.upsert_documents(dealership, [document])[0]

    def upsert_documents(self, dealership: str, documents: Sequence[Document]) -> list[int]:
        """Batch form of `upsert_document` (one embedding pass, few Chroma writes).

        Returns the chunk count per document, in order. Sources must be distinct.
        """
        prepared = [_Prepared.of(doc) for doc in documents]
        sources = [p.source for p in prepared]
        if len(set(sources)) != len(sources):
            raise ValueError("documents: each source may appear only once per call")
        with self._write_lock:
            collection = self._require(dealership)
            existing = _existing_chunks(collection, sources)
            changed = [p for p in prepared if existing.get(p.source) != (set(p.ids), {p.digest})]
            fresh = [(p, i) for p in changed for i in range(len(p.chunks))]
            limit = self._client.get_max_batch_size()
            if fresh:
                vectors = self.embedder.embed([embedding_input(p.chunks[i]) for p, i in fresh])
                for start in range(0, len(fresh), limit):
                    part = fresh[start : start + limit]
                    collection.upsert(
                        ids=[p.ids[i] for p, i in part],
                        documents=[p.chunks[i].text for p, i in part],
                        embeddings=vectors[start : start + limit],
                        metadatas=[_metadata(p.chunks[i], p.source, p.digest) for p, i in part],
                    )
            stale = sorted(
                old
                for p in changed
                for old in existing.get(p.source, (set(), set()))[0] - set(p.ids)
            )
            for start in range(0, len(stale), limit):
                collection.delete(ids=stale[start : start + limit])
        return [len(p.chunks) for p in prepared]

    def ingest_path(self, dealership: str, path: Path) -> list[tuple[str, int]]:
        """Ingest a file, or every supported file under a folder (sorted, hidden skipped).

        Returns ``(source, chunk count)`` per file; the source is the resolved file path and
        the title the document's first heading or else the file stem. Raises `IngestError`
        for a missing path or an unsupported file given directly.
        """
        collection_name(dealership)  # fail on a bad slug before touching any file
        documents = [read_document(file) for file in iter_documents(path)]
        counts = self.upsert_documents(dealership, documents) if documents else []
        return [(doc.source, n) for doc, n in zip(documents, counts, strict=True)]

    def remove_source(self, dealership: str, source: str) -> None:
        """Delete every chunk of `source` (no-op when it was never ingested)."""
        with self._write_lock:
            collection = self.collection(dealership, create=False)
            if collection is not None:
                collection.delete(where={"source": source})

    def search(self, dealership: str, query: str, k: int = 4) -> list[Passage]:
        """Up to `k` passages most similar to `query`, best first (score = cosine)."""
        if k < 1:
            raise ValueError(f"k={k}: expected a positive number of passages")
        collection = self.collection(dealership, create=False)
        if collection is None or not query.strip():
            return []
        result = collection.query(
            query_embeddings=self.embedder.embed([query]),
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        docs = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        return [
            Passage(
                title=str(meta.get("title", "")),
                heading=str(meta.get("heading", "")),
                text=doc,
                score=1.0 - float(dist),
                source=str(meta.get("source", "")),
            )
            for doc, meta, dist in zip(docs, metas, dists, strict=True)
        ]

    def count(self, dealership: str) -> int:
        """Number of chunks stored for the dealership (0 if it has no collection)."""
        collection = self.collection(dealership, create=False)
        return 0 if collection is None else collection.count()

    def _require(self, dealership: str) -> Collection:
        collection = self.collection(dealership)
        assert collection is not None
        return collection


@dataclass(frozen=True)
class _Prepared:
    source: str
    digest: str
    chunks: list[Chunk]
    ids: list[str]

    @classmethod
    def of(cls, doc: Document) -> _Prepared:
        fmt = normalise_format(doc.fmt)
        chunks = chunk_document(doc.text, title=doc.title, fmt=fmt)
        ids = [chunk_id(doc.source, c.index, c.text) for c in chunks]
        return cls(doc.source, content_hash(title=doc.title, text=doc.text, fmt=fmt), chunks, ids)


def _existing_chunks(
    collection: Collection, sources: list[str]
) -> dict[str, tuple[set[str], set[str]]]:
    """Per source already stored: its chunk ids and the content hashes they carry."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for start in range(0, len(sources), _SOURCES_PER_LOOKUP):
        group = sources[start : start + _SOURCES_PER_LOOKUP]
        where = cast(Where, {"source": group[0] if len(group) == 1 else {"$in": group}})
        result = collection.get(where=where, include=["metadatas"])
        for chunk_id_, meta in zip(result["ids"], result["metadatas"] or [], strict=True):
            ids, hashes = found.setdefault(str(meta["source"]), (set(), set()))
            ids.add(chunk_id_)
            hashes.add(str(meta.get("content_hash")))
    return found


def _metadata(chunk: Chunk, source: str, digest: str) -> dict[str, str | int]:
    return {
        "source": source,
        "title": chunk.title,
        "heading": chunk.heading,
        "chunk_index": chunk.index,
        "content_hash": digest,
    }


def open_knowledge_base(data_dir: Path) -> KnowledgeBase:
    """The knowledge base under a data folder: Chroma in ``chroma/``, the model in ``models/``."""
    from knowledge.embeddings import get_embedder

    data_dir = Path(data_dir)
    return KnowledgeBase(data_dir / "chroma", get_embedder(data_dir / "models"))
