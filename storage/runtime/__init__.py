"""The runtime's tables: update inbox and ledger, dialogs, outbox, job queue and liveness."""
