"""Workers' availability (issue 20, item 11): weekly working hours, days off, vacations and
sick days, what they mean for orders and free times (docs/availability.md)."""
