"""Business clients: a client that is a company, its registry details (DaData's party API)."""
