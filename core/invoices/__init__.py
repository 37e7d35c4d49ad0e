"""Invoices of done orders and the organization's details printed on them (issue 20, item 6;
docs/invoices.md). Stdlib only: the PDF is drawn by `integrations.pdf`."""
