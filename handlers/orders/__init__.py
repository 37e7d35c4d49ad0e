"""Orders in the chat: /neworder, /orders, /order N, /today, cards, lists and history."""
