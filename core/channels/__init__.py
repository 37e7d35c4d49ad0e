"""How the business reaches its clients: SMS, e-mail and calendar invitations (Telegram
messages go through the outbox like every other)."""
