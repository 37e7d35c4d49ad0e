"""What the local SMS.ru and SMSC.ru share (sandbox/peers/sms.py): the account (balance,
price per segment, approved sender names), segment counting by the fakes' own reading of
docs/sms.md, the messages accepted, misbehaviour on demand and posting delivery reports.
No import of the product's code: a fake that drifted from the adapters shows in the tests."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute

from sandbox.emulator.server import AsgiServer

GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_ESCAPED = frozenset("\f^{}\\[~]|€")
MOBILE = re.compile(r"[1-9][0-9]{10,14}")  # digits of a number the fakes accept


def segments(text: str) -> int:
    """Parts an operator would bill: GSM-7 160 septets alone or 153 per part (escaped
    characters take 2), else UCS-2 70 or 67 UTF-16 units; a pair never straddles two parts."""
    if all(c in GSM7 or c in GSM7_ESCAPED for c in text):
        sizes, alone, part = [2 if c in GSM7_ESCAPED else 1 for c in text], 160, 153
    else:
        sizes, alone, part = [len(c.encode("utf-16-le")) // 2 for c in text], 70, 67
    if sum(sizes) <= alone:
        return 1 if sizes else 0
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return count


@dataclass(slots=True)
class ReceivedSms:
    """One message a fake accepted, as the client's phone would show it."""

    provider: str
    message_id: str
    phone: str  # E.164
    text: str
    sender: str | None
    segments: int
    cost: Decimal
    status: int  # the provider's own status code, changed by `deliver`
    sent_at: datetime


class SmsPeer(AsgiServer):
    """What both fakes share: the account (balance, price per segment, approved sender
    names), the messages, misbehaviour on demand and posting reports."""

    provider = ""

    def __init__(self, routes: Sequence[BaseRoute], clock: Callable[[], datetime] | None) -> None:
        super().__init__(Starlette(routes=list(routes)))
        self.clock = clock or (lambda: datetime.now(UTC))
        self.messages: list[ReceivedSms] = []
        self.on_message: Callable[[ReceivedSms], None] | None = None
        self.balance = Decimal("100.00")
        self.price = Decimal("2.50")  # per segment
        self.senders = {"AstraCRM"}
        self.refuse: int | None = None
        self.fail_status: int | None = None
        self.delay = 0.0
        self.calls: list[tuple[str, dict[str, str]]] = []  # (path, fields) of every request
        self._closing = asyncio.Event()

    @property
    def base_url(self) -> str:
        """What the adapters' `base_url` expects."""
        return self.url

    def received(self, phone: str | None = None) -> list[ReceivedSms]:
        """Every accepted message, oldest first; only those to `phone` (E.164) if given."""
        return [m for m in self.messages if phone is None or m.phone == phone]

    def find(self, message_id: str) -> ReceivedSms | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    async def start(self) -> None:
        self._closing = asyncio.Event()
        await super().start()

    async def stop(self) -> None:
        self._closing.set()
        await super().stop()

    async def params(self, request: Request) -> dict[str, str]:
        """Query and form fields alike (both services take GET or POST), form winning."""
        fields = dict(request.query_params)
        body = (await request.body()).decode("utf-8", "replace")
        fields.update(parse_qsl(body, keep_blank_values=True))
        self.calls.append((request.url.path, fields))
        return fields

    async def misbehaviour(self) -> Response | None:
        """Wait `delay` (or until stopped), then the `fail_status` answer if one is set."""
        if self.delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.delay)
        if self.fail_status is not None:
            return PlainTextResponse("Internal Server Error", status_code=self.fail_status)
        return None

    def accept(self, message_id: str, phone: str, text: str, sender: str | None) -> ReceivedSms:
        parts = segments(text)
        cost = self.price * parts
        self.balance -= cost
        message = ReceivedSms(
            self.provider, message_id, phone, text, sender, parts, cost, 0, self.clock()
        )
        self.messages.append(message)
        if self.on_message is not None:
            self.on_message(message)
        return message

    async def post_form(self, url: str, fields: list[tuple[str, str]]) -> httpx.Response:
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(url, data=dict(fields))


def e164(digits: str) -> str:
    return "+" + digits.removeprefix("+")


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"
