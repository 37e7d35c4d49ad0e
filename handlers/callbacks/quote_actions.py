"""The buttons of quotes (issue 20, item 5, docs/quotes.md): the client card's "📝 Quote"."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.callbacks.codec import Action


@dataclass(frozen=True)
class ClientQuote(Action, template="qn:{client_id}"):
    """From a client's card: prepare a quote for them (owners and managers)."""

    client_id: int
