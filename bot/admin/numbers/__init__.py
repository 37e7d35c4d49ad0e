"""The board's Numbers page (issue 22, item 4): charts and a CSV of core/numbers' report."""
