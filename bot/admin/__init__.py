"""The admin HTTP endpoint: owners' settings and billing, the API, and the routes outside
systems call (the Telegram webhook, T-Bank notifications), on FastAPI in the bot's loop."""
