"""A client card's typed fields as the chat, the admin app and the API accept them: the
address and notes (one clean line, at most so long) and the e-mail address."""

from __future__ import annotations

from core.channels.email import normalize_address
from core.errors import DomainError
from core.text import clean_line

NOTES_MAX = 2000
ADDRESS_MAX = 300


def client_email(text: str | None) -> str | None:
    """A client's e-mail address as `core.channels.email` accepts it; "-" or nothing clears
    it; anything else is asked again."""
    if text is None or text.strip() in ("", "-"):
        return None
    address = normalize_address(text)
    if address is None:
        raise DomainError("client_email_invalid")
    return address


def clean_text(text: str | None, limit: int, code: str = "text_too_long") -> str | None:
    value = clean_line(text or "")
    if len(value) > limit:
        raise DomainError(code, limit=limit, length=len(value))
    return value or None
