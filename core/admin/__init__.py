"""The admin endpoint: sign-in links, sessions, API tokens, the organization's settings."""
