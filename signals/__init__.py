"""Shopper signals: events from dealer websites and departments (`events`), who they are
(`identity`: visitor ids and contacts stitched to customers), storing a batch (`ingest`);
the intent rules as pure functions (`rules`, `price_drop`, over `facts`, tuned by `config`);
the alerts they write (`evaluate`, `alerting`);
the explainable lead score (`score`, pure; its facts from the store: `score_facts`);
later the equity and lifecycle flags and outreach rules.

May import `contracts` and `crm_store` only; `nightshift` wires it to HTTP.
"""
