"""The database's side of backups: snapshots in and out, and the erasure journal's store."""
