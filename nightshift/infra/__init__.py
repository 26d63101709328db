"""The process's plumbing: log formatting with personal data masked (`logs`), the mail
transport (`mail`), the event bus between web processes (`bus`: in-process or Redis), the
graph checkpointer (`checkpoints`) and per-IP/per-session rate limits (`rate_limits`)."""
