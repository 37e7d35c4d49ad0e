"""Recurring orders: a series repeats an order by an RRULE over the organization's wall clock."""
