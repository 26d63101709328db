"""The agent: graph state, nodes, tools, prompts, engines (`openai`, `offline`), guardrails.

Owns: how a reply is decided. Imports: `crm_store` service functions and records (the tools
read and write the store through them), `contracts`, langgraph and langchain; the knowledge
base arrives as `context.KnowledgePort` and handoff's detector as a callable, both in
`context.AgentDeps`. Never imports `channels`, `handoff`, `nightshift`, `evals` or SQLAlchemy.
"""
