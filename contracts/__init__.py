"""Shared kernel: small value types and rules every Nightshift package may use.

Owns: the `Clock` protocol and its system/frozen implementations (`clock`), the channel
messages (`messages`: `InboundMessage`, `OutboundMessage`, ...), what a channel adapter may
ask of the application (`channels`, `limits`), what may reach a log line (`redact`) and which
words of a message are the shopper's own (`notes`). Imports: the standard library only.
Nothing in here touches a database, a network or another Nightshift package.
"""
