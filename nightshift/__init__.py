"""The composition root: the only package that wires the others together; it may import all.

`settings` (every variable, read once), `runtime` (builds the store, knowledge, graph,
pipeline, handoff flow and job runner, each given its collaborators), `app` (the FastAPI
factory), `cli/`, `world/` (dealership world files), `http/` (routes), `jobs/` (runner,
delivery, quarantine), `conversation/` (the pipeline from a stored message to the reply),
and `infra/` (logs, mail transport, bus, checkpointer, rate limits). The follow-ups of a
booking (invites, reminders) are `booking/`'s; `runtime` registers their jobs.
"""
