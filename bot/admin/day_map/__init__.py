"""The board's map of today's orders (issue 22, item 5)."""
