"""`nightshift knowledge ...`: ingest documents into a dealership's knowledge base, search it.

User errors (missing path, unsupported file, bad slug) print one line naming the value and
what was expected, and exit with status 2; no traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from knowledge.embeddings import ModelNotInstalledError
from knowledge.files import IngestError, iter_documents
from knowledge.store import collection_name, open_knowledge_base

app = typer.Typer(
    help="Dealership knowledge: ingest documents, search passages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DealershipOpt = Annotated[str, typer.Option("--dealership", help="Dealership slug")]
DataDirOpt = Annotated[
    Path, typer.Option("--data-dir", help="Data folder (Chroma in chroma/, model in models/)")
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _check_slug(dealership: str) -> None:
    try:
        collection_name(dealership)
    except ValueError as exc:
        raise _fail(str(exc)) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.md .txt .html)")],
    dealership: DealershipOpt,
    data_dir: DataDirOpt = Path("var"),
) -> None:
    """Ingest files and folders; prints how many chunks each file has in the index."""
    _check_slug(dealership)
    try:  # validate every argument before writing anything
        for path in paths:
            if not iter_documents(path):
                raise IngestError(
                    f"{path}: folder has no .md, .markdown, .txt, .html or .htm files"
                )
    except IngestError as exc:
        raise _fail(str(exc)) from None
    try:
        kb = open_knowledge_base(data_dir)
        for path in paths:
            for source, chunks in kb.ingest_path(dealership, path):
                typer.echo(f"{source}: {chunks} chunk{'s' if chunks != 1 else ''}")
    except (IngestError, ModelNotInstalledError, OSError) as exc:
        raise _fail(str(exc), 2 if isinstance(exc, IngestError) else 1) from None
    total = kb.count(dealership)
    typer.echo(f"{dealership}: {total} chunk{'s' if total != 1 else ''} in total")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Question or keywords")],
    dealership: DealershipOpt,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="Passages to show")] = 4,
    data_dir: DataDirOpt = Path("var"),
) -> None:
    """Print the passages that best match QUERY, with title, heading and score."""
    _check_slug(dealership)
    try:
        passages = open_knowledge_base(data_dir).search(dealership, query, k=k)
    except ModelNotInstalledError as exc:
        raise _fail(str(exc), 1) from None
    if not passages:
        typer.echo(f"no passages for {dealership!r} (ingest documents first?)")
        return
    for rank, passage in enumerate(passages, start=1):
        typer.echo(f"{rank}. [{passage.score:.3f}] {passage.citation}  ({passage.source})")
        typer.echo("   " + passage.text.replace("\n", "\n   "))
