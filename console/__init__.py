"""The staff console: signing staff in, and (to come) the salesperson's inbox, the manager's
transcript review and the KPIs, as pages and static files served by the app.

Owns today: who may sign in and how (`accounts`: one-time sign-in links, sessions, sign out
everywhere), password hashing (`passwords`), what the console needs of the deployment
(`config.ConsoleConfig`), and the services behind the salesperson's inbox (`inbox`: the
lists, statuses, snoozes, assignment, internal notes; `canned`: canned replies), a
customer's one timeline (`timeline`, worded by `timeline_entries`), and the
live stream of an open inbox or conversation page (`live`, with `static/live.js`). Sign-in
attempt limiting belongs to the HTTP layer (a `contracts.limits.Limiter` keyed by client
and by e-mail), not here. Imports: `contracts`, `crm_store` service functions, `handoff`,
`signals`, argon2-cffi and anyio (the live stream reads off the event loop). Never imports
`agent`, `channels`, `knowledge`, `nightshift`, `evals` or SQLAlchemy.
"""
