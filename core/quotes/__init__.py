"""Quotes (issue 20, item 5): priced lines offered to a client until a date."""
