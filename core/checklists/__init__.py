"""Checklists per category and the client's acceptance of the work (issue 20, items 7 and 8;
docs/checklists.md)."""
