"""The HTTP face of Nightshift: the request dependencies, the rule each route is called under,
the guards every request passes, and one router module per resource.

- `deps` (the store, settings and unit of work a route receives), `auth` (public on purpose,
  an API token with a role, or a signed handoff link), `params` (bounded ids), `limits` and
  `input_guard` (body size, text no database can store);
- routers: `dealerships` (health, dealership pages, inventory), `staff` (staff replies),
  `appointments` (status, show rate), `calendar` (.ics by token), `handoffs` (the signed
  handoff page and its actions); `channels` mounts the channel adapters (SMS, web chat).

A route module parses and checks the request, calls a flow and shapes the answer; the flows
themselves live in the packages that own them.
"""
