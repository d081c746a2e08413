"""Rebound's common library: config, database, bus, events, outbox, worker, auth, logging."""
