"""Composition root and process entry: settings, wiring, the Telegram application, the CLI."""
