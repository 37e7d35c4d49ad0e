"""Orders in the database: rows, events, the messages that show them, card facts."""
