"""Telephony in the chat: /calls, /telephony and the alerts about calls."""
