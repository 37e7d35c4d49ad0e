"""The client's phone and mailbox: what the sandbox's own SMS provider and mail server took.

A client who is not on Telegram hears from the business by SMS or e-mail. In the sandbox those
go to local fakes of the real providers (`sandbox/peers`: SMS.ru's HTTP API, an SMTP server),
and `GET /api/outside` shows what they took, newest first, so the page can show a client's
phone and mailbox next to the chats: every SMS (number, text, segments, sender, time) and every
e-mail (recipients, subject, plain-text body, attached files' names and types).
`POST /api/outside/mail/<id>/reply` answers an e-mail as the client (to its Reply-To, through
the product's inbound SMTP server).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import aiosmtplib
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

LIMIT = 200  # newest messages of each kind shown


class SmsSource(Protocol):
    def received(self, phone: str | None = None) -> Sequence[Any]: ...


class MailSource(Protocol):
    @property
    def messages(self) -> Sequence[Any]: ...
    async def reply(self, index: int, text: str) -> str: ...


class OutsideApi:
    """`GET /api/outside`: {"sms": [...], "mail": [...]}, newest first."""

    def __init__(self, sms: Sequence[SmsSource] = (), mail: MailSource | None = None) -> None:
        self.sms = list(sms)
        self.mail = mail

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/api/outside", self.outside, methods=["GET"]),
            Route("/api/outside/mail/{index:int}/reply", self.reply, methods=["POST"]),
        ]

    async def outside(self, request: Request) -> Response:
        return JSONResponse({"sms": self.sms_view(), "mail": self.mail_view()})

    async def reply(self, request: Request) -> Response:
        """`POST {"text": ...}`: the client answers that e-mail (to its Reply-To)."""
        index = int(request.path_params["index"])
        try:
            body = await request.json()
        except ValueError:
            body = None
        text = str(body.get("text", "")).strip() if isinstance(body, dict) else ""
        if self.mail is None or not 0 <= index < len(self.mail.messages):
            return JSONResponse({"ok": False, "error": "no such e-mail"}, status_code=404)
        if not text or len(text) > 4000:
            return JSONResponse({"ok": False, "error": "write 1 to 4000 characters"}, 422)
        try:
            await self.mail.reply(index, text)
        except (RuntimeError, OSError, aiosmtplib.SMTPException) as error:
            message = f"the answer was not taken: {type(error).__name__}"
            if isinstance(error, aiosmtplib.SMTPResponseException):
                message = f"the answer was refused: {error.code}"
            return JSONResponse({"ok": False, "error": message}, status_code=502)
        return JSONResponse({"ok": True})

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
                    "replies": bool(mail.message.get("Reply-To")),
                }
            )
            if len(shown) == LIMIT:
                break
        return shown
