"""The client's phone and mailbox: what the sandbox's own SMS provider and mail server took.

A client who is not on Telegram hears from the business by SMS or e-mail. In the sandbox those
go to local fakes of the real providers (`sandbox/peers`: SMS.ru's HTTP API, an SMTP server),
and `GET /api/outside` shows what they took, newest first, so the page can show a client's
phone and mailbox next to the chats: every SMS (number, text, segments, sender, time) and every
e-mail (recipients, subject, plain-text body, attached files' names and types).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

LIMIT = 200  # newest messages of each kind shown


class SmsSource(Protocol):
    def received(self, phone: str | None = None) -> Sequence[Any]: ...


class MailSource(Protocol):
    @property
    def messages(self) -> Sequence[Any]: ...


class OutsideApi:
    """`GET /api/outside`: {"sms": [...], "mail": [...]}, newest first."""

    def __init__(self, sms: Sequence[SmsSource] = (), mail: MailSource | None = None) -> None:
        self.sms = list(sms)
        self.mail = mail

    def routes(self) -> list[BaseRoute]:
        return [Route("/api/outside", self.outside, methods=["GET"])]

    async def outside(self, request: Request) -> Response:
        return JSONResponse({"sms": self.sms_view(), "mail": self.mail_view()})

    def sms_view(self) -> list[dict[str, Any]]:
        taken = [message for source in self.sms for message in source.received()]
        order = {id(message): index for index, message in enumerate(taken)}  # ties: arrival
        taken.sort(key=lambda message: (message.sent_at, order[id(message)]), reverse=True)
        return [
            {
                "provider": message.provider,
                "id": message.message_id,
                "phone": message.phone,
                "sender": message.sender,
                "text": message.text,
                "segments": message.segments,
                "sent_at": message.sent_at.isoformat(),
            }
            for message in taken[:LIMIT]
        ]

    def mail_view(self) -> list[dict[str, Any]]:
        if self.mail is None:
            return []
        shown = []
        for index, mail in reversed(list(enumerate(self.mail.messages))):
            shown.append(
                {
                    "id": index,
                    "from": str(mail.message.get("From", "")),
                    "to": list(mail.recipients),
                    "subject": mail.subject,
                    "text": mail.text() or "",
                    "files": [
                        {"name": name, "type": kind.split(";")[0].strip(), "size": len(data)}
                        for name, kind, data in mail.attachments()
                    ],
                    "unsubscribe": str(mail.message.get("List-Unsubscribe", "")) or None,
                }
            )
            if len(shown) == LIMIT:
                break
        return shown
