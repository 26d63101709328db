"""The agent: graph state, nodes, tools, prompts, engines (`openai`, `offline`), guardrails.

Owns: how a reply is decided. Imports: `crm_store` service functions and `knowledge` (through
the small typed ports in `agent/ports.py`), `contracts`, langgraph and langchain. Never imports
`channels`, `handoff`, `nightshift`, `evals` or SQLAlchemy.
"""
