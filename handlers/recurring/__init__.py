"""Recurring series in the chat: the card's line and buttons, the questions, the menu."""
