"""Scheduled notifications: digests, plans, reminders and alerts, and each person's preferences."""
