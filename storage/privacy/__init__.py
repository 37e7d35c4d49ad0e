"""Privacy in the database: exports, erasure, retention purges and the audit log."""
