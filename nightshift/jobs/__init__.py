"""Durable work outside a request: the job runner (`runner`: claims, leases, retries,
quarantine), sending what the assistant and staff write (`delivery`: retries with backoff per
channel) and what a quarantined shopper message leaves for a person (`quarantine`)."""
