"""Encrypted backups of the database, their rotation, and the erasure journal they honour."""
