"""The scheduler's storage: recipients, preferences, the sent-key ledger and digest facts."""
