"""Public intake: orders from websites (the widget and its headless API, docs/widget.md)."""
