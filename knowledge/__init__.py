"""Dealership knowledge: ingest, chunking, offline embeddings, the Chroma collection, retrieval.

Owns: answering "which passages say this?" with titles and scores. Imports: the standard
library, chromadb, the embedding backend (onnxruntime, tokenizers) and `contracts`; no other
Nightshift package.
"""
