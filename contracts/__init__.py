"""Shared kernel: small value types and rules every Nightshift package may use.

Owns: the `Clock` protocol and its system/frozen implementations (`clock`), the channel
messages (`messages`: `InboundMessage`, `OutboundMessage`, ...), what a channel adapter may
ask of the application (`channels`, `limits`), what may reach a log line (`redact`), which
words of a message are the shopper's own (`notes`) and the agent's dialogue state, which the
handoff summary reads too (`dialogue`). Imports: the standard library only.
Nothing in here touches a database, a network or another Nightshift package.
"""
