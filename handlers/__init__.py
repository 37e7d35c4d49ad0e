"""Telegram presentation: parse an update, call one core service, render the reply."""
