"""Quotes in the chat: /quote, the client card's "📝 Quote", the client's answers."""
