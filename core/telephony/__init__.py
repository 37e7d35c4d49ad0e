"""Telephony: PBX call events, the call log, recordings and what managers do with calls."""
