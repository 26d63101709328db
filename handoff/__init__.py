"""Handoff to a human: escalation detectors, summary builder, routing ladder, pagers, acks, ADF.

Owns: deciding that a person is needed, who that person is, and paging them. Imports:
`crm_store` service functions and `contracts`. Never imports `agent`, `channels`,
`knowledge`, `nightshift`, `evals` or SQLAlchemy.
"""
