"""Scheduled messages and their settings: digests, plans, reminders, /digest and /notifications."""
