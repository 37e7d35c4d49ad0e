"""Replies to client e-mails (issue 19, item 9; docs/email.md "Replies from clients").

Every client e-mail carries `Reply-To: reply+<token>@<inbound domain>` when the deployment
receives mail (`INBOUND_MAIL_DOMAIN`). The token is 15 random bytes in lower-case base32 (24
characters of `[a-z2-7]`, so a server that folds the local part's case cannot break it), one
per message sent, stored only as a SHA-256 hash on that message's log entry: a database copy
opens nothing, and the token dies with the entry (the client's erasure, retention). It opens
nothing but one thing: the answer to that message goes to the staff, as a Telegram client's
text does (core/client_loop/inbound.py), about the order that message was about (else the
client's nearest open one).

The inbound SMTP server (integrations/inbound_mail.py) asks `accepts` at RCPT TO (an unknown,
malformed or expired token is refused there, 550) and hands the parsed text to `relay`, which
keeps one message once per Message-ID (a sent-ledger key), so a server retrying the delivery
relays it once. Logs name organization and log ids only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta

from core.client_loop.inbound import LEDGER_KIND, digest, pick_order, record_incoming
from core.client_loop.model import Channel, ClientMessage, Direction
from core.client_loop.tokens import hash_token
from core.ports import Clock, UnitOfWork, UowFactory

log = logging.getLogger(__name__)

REPLY_DAYS = 180  # how long an e-mail can be answered
PREFIX = "reply+"
TOKEN = re.compile(r"[a-z2-7]{24}")


def new_reply_token() -> str:
    return base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def reply_token(key: bytes, org_id: int, message_id: int) -> str:
    """The token of one logged message, the same on every attempt to send it (a retry after a
    send that did arrive keeps the first copy answerable): an HMAC of the message under the
    deployment's key, so the database alone opens nothing."""
    mac = hmac.new(key, f"reply-to:{org_id}:{message_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:15]).decode("ascii").lower()


def reply_address(token: str, domain: str) -> str:
    return f"{PREFIX}{token}@{domain}"


def token_of(address: str, domain: str) -> str | None:
    """The token of `reply+<token>@<domain>` (case folded), None for any other address."""
    local, at, host = address.strip().strip("<>").rpartition("@")
    if not at or host.rstrip(".").casefold() != domain.casefold():
        return None
    local = local.casefold()
    if not local.startswith(PREFIX):
        return None
    token = local.removeprefix(PREFIX)
    return token if TOKEN.fullmatch(token) else None


async def issue_reply(
    uow: UnitOfWork, org_id: int, message_id: int, key: bytes | None = None
) -> str:
    """The reply token of the logged message, in the caller's transaction: with the
    deployment's `key` the same on every attempt; without one (no SECRET_KEY) a new random
    one per attempt, which replaces the last."""
    token = reply_token(key, org_id, message_id) if key else new_reply_token()
    await uow.client_loop.set_reply_hash(org_id, message_id, hash_token(token))
    return token


class MailReplies:
    """What the inbound SMTP server asks: may this address receive, and the reply itself."""

    def __init__(self, uow: UowFactory, clock: Clock, domain: str) -> None:
        self._uow = uow
        self._clock = clock
        self.domain = domain.casefold()

    async def _answered(self, uow: UnitOfWork, address: str) -> ClientMessage | None:
        token = token_of(address, self.domain)
        if token is None:
            return None
        logged = await uow.client_loop.by_reply_hash(hash_token(token))
        if logged is None or logged.direction is not Direction.OUT:
            return None
        if logged.channel is not Channel.EMAIL or _expired(logged.created_at, self._clock.now()):
            return None
        return logged

    async def accepts(self, address: str) -> bool:
        async with self._uow() as uow:
            return await self._answered(uow, address) is not None

    async def relay(self, address: str, text: str, message_id: str | None) -> bool:
        """The client's answer to the message `address` names, to the staff once (False:
        not a valid address any more, nothing to say, or relayed before)."""
        body = text.strip()
        if not body:
            return False
        async with self._uow() as uow:
            logged = await self._answered(uow, address)
            if logged is None:
                return False
            org_id, now = logged.organization_id, self._clock.now()
            seen = digest(message_id) if message_id else digest(address.casefold(), body)
            if not await uow.client_loop.claim_key(f"cin:mail:{org_id}:{seen}", org_id,
                                                   LEDGER_KIND, now):  # fmt: skip
                return False
            order = None
            if logged.order_id is not None:
                order = await uow.orders.get(org_id, logged.order_id)
            if order is None:
                order = pick_order(await uow.orders.for_client(org_id, logged.client_id))
            provider_id = message_id[:100] if message_id else None
            new = await record_incoming(
                uow, org_id, logged.client_id, order, Channel.EMAIL, body, now,
                provider_id=provider_id,
            )  # fmt: skip
            await uow.commit()
        log.info("organization %s: e-mail reply %s to message %s", org_id, new.id, logged.id)
        return True


def _expired(sent: datetime, now: datetime) -> bool:
    return now - sent > timedelta(days=REPLY_DAYS)
