"""Dealership knowledge: ingest, chunking, offline embeddings, the Chroma collection, retrieval.

Owns: answering "which passages say this?" with titles and scores. Imports: the standard
library, chromadb, the embedding backend (onnxruntime, tokenizers, numpy; onnx for the
one-time model conversion), lxml for HTML, typer for the CLI and `contracts`; no other
Nightshift package.

Modules: `embeddings` (Embedder, get_embedder), `onnx_export` (safetensors -> ONNX),
`chroma_function` (the Chroma embedding function), `parsing` + `chunking` (documents ->
passages), `files` (finding and reading files), `store` (KnowledgeBase, Passage), `cli`.
"""
