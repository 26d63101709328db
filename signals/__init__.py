"""Shopper signals: events from dealer websites and departments (`events`), who they are
(`identity`: visitor ids and contacts stitched to customers), storing a batch (`ingest`);
the intent rules as pure functions (`rules`, `price_drop`, over `facts`, tuned by `config`);
later the alerts, lead score, equity and lifecycle flags and outreach rules.

May import `contracts` and `crm_store` only; `nightshift` wires it to HTTP.
"""
