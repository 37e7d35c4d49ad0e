"""Starting the inbound SMTP server for clients' answers to e-mails with the processes that
serve HTTP (bot/process.py), when INBOUND_MAIL_DOMAIN is set (docs/email.md)."""

from __future__ import annotations

from bot.container import Container
from integrations.inbound_mail import InboundMailServer


async def start_inbound_mail(container: Container) -> InboundMailServer | None:
    """The server on INBOUND_MAIL_HOST:INBOUND_MAIL_PORT, or None when the domain is unset."""
    settings = container.settings
    if settings.inbound_mail_domain is None:
        return None
    replies = container.services.client_loop.mail_replies(settings.inbound_mail_domain)
    server = InboundMailServer(
        replies,
        settings.inbound_mail_host,
        settings.inbound_mail_port,
        settings.inbound_mail_max_bytes,
    )
    await server.start()
    return server
