"""The `openai` engine end to end: real pipeline, graph, tools and store; fake LLM endpoint."""
