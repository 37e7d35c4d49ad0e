"""How messages leave: collected while an update is applied, sent after it commits, edited
only when something changed."""
