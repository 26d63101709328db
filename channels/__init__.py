"""Channel adapters: Twilio SMS and the web chat widget.

Owns: turning provider traffic into `contracts` DTOs (`InboundMessage`) and `OutboundMessage`s
into provider traffic (Twilio REST/TwiML, WebSocket frames); signature checks, STOP/HELP,
status callbacks, the sender. Imports: `contracts` and `crm_store` service functions (never its
models or sessions). Never imports `agent`, `handoff`, `knowledge`, `nightshift` or `evals`.
"""
