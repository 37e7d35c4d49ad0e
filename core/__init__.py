"""The functional core: domain types, rules, ports and use-case services (stdlib only)."""
