"""Clients in the database: rows, phones, events and the search index of both databases."""
