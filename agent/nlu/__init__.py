"""Natural-language understanding helpers for the offline engine: pure functions, no I/O."""
