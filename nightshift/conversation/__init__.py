"""A shopper's message from the channel to the reply: the pipeline (persist first, then run
the turn as a durable job), bursts of texts answered in one reply, STOP/HELP/START compliance,
escalation to a person, and the transcript staff read."""
