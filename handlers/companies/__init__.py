"""Business clients in the chat: the company on a client card and its conversation."""
