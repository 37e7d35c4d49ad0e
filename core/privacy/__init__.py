"""The privacy policy's promises: consent, export, erasure, retention and the audit log."""
