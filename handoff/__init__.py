"""Handoff to a human: when a person is needed, who that is, and paging them.

Owns: the escalation rules (`detect`, `phrases`), the structured summary (`summary`,
`details`), the routing ladder (`routing`), the flow from escalation to an acknowledged page
(`flow`: ack timeouts that reroute, staff SMS replies), the pages themselves (`pagers`: SMS,
e-mail, signed webhook, ADF lead e-mail), signed staff links (`links`), the ADF/XML export
(`adf`) and what the flow needs of the deployment (`config.HandoffConfig`). Imports:
`crm_store` service functions, `contracts` and httpx. Never imports `agent`, `channels`,
`knowledge`, `nightshift`, `evals` or SQLAlchemy.
"""
