"""Shared kernel: small value types every Nightshift package may use.

Owns: the `Clock` protocol and its system/frozen implementations, and (later) the channel
DTOs (`InboundMessage`, `OutboundMessage`, `Delivery`). Imports: the standard library only.
Nothing in here touches a database, a network or another Nightshift package.
"""
