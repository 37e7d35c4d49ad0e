"""The Telegram side of the client loop: inviting a client (staff) and the client's chat."""
