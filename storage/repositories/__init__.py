"""SQL repositories: every query scoped by organization, rows mapped to core records."""
