"""The client loop in the database: links to Telegram, invitations, consents, the client
message log, page tokens, settings and templates."""
