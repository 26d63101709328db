"""Faithful fakes of the services at Nightshift's edges (the LLM endpoint, ...)."""
