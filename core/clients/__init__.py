"""Clients: duplicate-safe capture, search, cards, edits and merges."""
