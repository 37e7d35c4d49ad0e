"""Today's orders and the workers on their way, on a map (issue 22, item 5)."""
