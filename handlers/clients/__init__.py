"""Clients in the chat: /client, /newclient, client cards and inline lookup."""
