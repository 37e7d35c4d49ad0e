"""What every use case stands on: the update ledger, the outbox, durable jobs, and binding
services to one update's transaction."""
