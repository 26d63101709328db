"""The HTTP face of Nightshift: the request dependencies, the rule each route is called under,
the guards every request passes, and one router module per resource.

- `services` (the one holder of what routes and channel adapters reach: settings, store,
  runtime, signing key; 503 while the assistant is unavailable), `deps` (the typed
  dependencies a route receives: services, store, settings, a unit of work), `auth` (public
  on purpose, an API token with a role, or a signed handoff link), `params` (bounded ids),
  `limits` and `input_guard` (body size, text no database can store);
- routers, each with its path prefix written once: `home` (health, the demo page),
  `dealerships` (listing, inventory, and `show_rate` under it), `staff` (staff replies),
  `appointments` (status), `calendar` (.ics by token), `handoffs` (the signed handoff page
  and its actions); `channels` mounts the channel adapters (SMS, web chat).

A route module parses and checks the request, calls a flow and shapes the answer; the flows
themselves live in the packages that own them.
"""
