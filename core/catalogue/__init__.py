"""The services and materials an organization sells, and the lines an order (later a quote or
an invoice) is priced with (issue 20, items 3 and 4; docs/line-items.md)."""
