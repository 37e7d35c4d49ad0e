"""Opting out by e-mail and SMS (issue 19, items 2 and 11), and what the SMS providers report.

- **Unsubscribe links**: every client e-mail carries `/u/<token>`: 16 random bytes, stored
  as a SHA-256 hash with the organization, the client and the channel (e-mail), one per
  message, valid for `UNSUBSCRIBE_DAYS`. Using it records a withdrawal by e-mail for both
  purposes at once; a repeat records nothing more.
- **STOP by SMS**: an inbound SMS whose whole text is one of `STOP_WORDS` (after NFKC, trimmed,
  case-insensitive) withdraws SMS for both purposes for every client of the organization
  with that number. Any other SMS from a client's number is relayed to the staff once
  (`core.client_loop.inbound.sms_reply`).
- **Delivery reports** move a logged SMS from sent to delivered or failed, never back: a
  report for a message not in `sent` changes nothing (so a replay is idempotent).
- **The callback URL** holds a random secret per organization, stored hashed; a wrong secret
  finds nothing and records nothing.

Logs name organization and log ids and counts only: never a phone, an address or a text.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.channels.sms import DeliveryState, InboundSms, SmsStatus
from core.client_loop.inbound import sms_reply
from core.client_loop.model import (
    Channel,
    ConsentAction,
    DeliveryStatus,
    Purpose,
    consent_state,
)
from core.client_loop.tokens import hash_token, new_page_token
from core.domain import Actor
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory

log = logging.getLogger(__name__)

UNSUBSCRIBE_DAYS = 365
STOP_WORDS = frozenset({"stop", "стоп", "отписка"})
SMS_PROVIDERS = frozenset({"sms_ru", "smsc"})
SETTLED = {DeliveryState.DELIVERED: DeliveryStatus.DELIVERED,
           DeliveryState.FAILED: DeliveryStatus.FAILED}  # fmt: skip


def is_stop(text: str) -> bool:
    """STOP / СТОП / ОТПИСКА alone, in any case, with odd Unicode forms (full-width letters,
    ligatures) normalised and surrounding spaces or a final full stop or "!" ignored."""
    word = unicodedata.normalize("NFKC", text).strip().rstrip(".!").strip()
    return word.casefold() in STOP_WORDS


def next_status(current: DeliveryStatus, report: DeliveryState) -> DeliveryStatus | None:
    """The status a report moves a logged message to, or None: only a sent message moves,
    to delivered or failed; delivered and failed are final; pending reports change nothing."""
    if current is not DeliveryStatus.SENT:
        return None
    return SETTLED.get(report)


async def issue_unsubscribe(uow: UnitOfWork, org_id: int, client_id: int, now: datetime) -> str:
    """A new unsubscribe token for the client's e-mail, in the caller's transaction."""
    token = new_page_token()
    expires = now + timedelta(days=UNSUBSCRIBE_DAYS)
    await uow.client_loop.add_optout_token(
        org_id, client_id, Channel.EMAIL, hash_token(token), expires, now
    )
    return token


async def ensure_sms_hook(uow: UnitOfWork, org_id: int, now: datetime) -> str | None:
    """A first callback secret for the organization (None: it has one already)."""
    if await uow.client_loop.sms_hook(org_id) is not None:
        return None
    secret = secrets.token_urlsafe(24)
    if not await uow.client_loop.add_sms_hook(org_id, hash_token(secret), now):
        return None
    return secret


def sms_callback_path(provider: str, org_id: int, secret: str) -> str:
    return f"/sms/{provider}/{org_id}/{secret}"


async def _withdraw(uow: UnitOfWork, org_id: int, client_id: int, channel: Channel,
                    now: datetime) -> int:  # fmt: skip
    """Record the withdrawal for every purpose not already withdrawn; how many were new."""
    state = consent_state(await uow.client_loop.consents(org_id, client_id))
    added = 0
    for purpose in Purpose:
        if not state.withdrawn(channel, purpose):
            await uow.client_loop.add_consent(
                org_id, client_id, channel, purpose, ConsentAction.WITHDRAWN, None, now
            )
            added += 1
    return added


@dataclass(frozen=True, slots=True)
class Unsubscribing:
    org_name: str
    language: str
    withdrawn: bool  # the e-mail opt-out is in force (now or already)


@dataclass(frozen=True, slots=True)
class Reported:
    updated: int = 0
    stopped: int = 0
    relayed: int = 0


class OptOutService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def unsubscribe_view(self, token: str) -> Unsubscribing | None:
        """What the page shows for a token; None: unknown or expired."""
        async with self._uow() as uow:
            found = await uow.client_loop.optout_by_hash(hash_token(token))
            if found is None or found.expires_at <= self._clock.now():
                return None
            org = await uow.orgs.get(found.organization_id)
            if org is None or await uow.clients.get(org.id, found.client_id) is None:
                return None
            state = consent_state(await uow.client_loop.consents(org.id, found.client_id))
        done = all(state.withdrawn(found.channel, p) for p in Purpose)
        return Unsubscribing(org.name, org.language, done)

    async def unsubscribe(self, token: str) -> Unsubscribing | None:
        """The one-click POST: the withdrawal recorded at once (once); None: unknown."""
        async with self._uow() as uow:
            found = await uow.client_loop.optout_by_hash(hash_token(token))
            now = self._clock.now()
            if found is None or found.expires_at <= now:
                return None
            org = await uow.orgs.get(found.organization_id)
            if org is None or await uow.clients.get(org.id, found.client_id) is None:
                return None
            added = await _withdraw(uow, org.id, found.client_id, found.channel, now)
            await uow.commit()
        if added:
            log.info("organization %s: a client unsubscribed by %s", org.id, found.channel.value)
        return Unsubscribing(org.name, org.language, True)

    async def rotate_sms_hook(self, actor: Actor, provider: str) -> str:
        """A new callback secret for the owner's organization; the path to give the provider
        (the old one stops working)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        secret = secrets.token_urlsafe(24)
        async with self._uow() as uow:
            await uow.client_loop.save_sms_hook(org_id, hash_token(secret), self._clock.now())
            await uow.commit()
        return sms_callback_path(provider, org_id, secret)

    async def sms_reports(
        self, org_id: int, secret: str, statuses: list[SmsStatus], inbound: list[InboundSms]
    ) -> Reported | None:
        """Apply a provider's callback in one transaction; None: no such organization or a
        wrong secret (nothing read beyond the hash, nothing recorded)."""
        async with self._uow() as uow:
            stored = await uow.client_loop.sms_hook(org_id)
            if stored is None or not hmac.compare_digest(stored, hash_token(secret)):
                return None
            now = self._clock.now()
            updated = stopped = relayed = 0
            for status in statuses:
                updated += await _report(uow, org_id, status, now)
            for message in inbound:
                if not is_stop(message.text):  # a client's reply: to the staff, once
                    relayed += await sms_reply(uow, org_id, message, now)
                    continue
                for client in await uow.clients.by_phone(org_id, message.phone):
                    stopped += bool(await _withdraw(uow, org_id, client.id, Channel.SMS, now))
            await uow.commit()
        if updated or stopped or relayed:
            log.info(
                "organization %s: %s SMS status changes, %s SMS opt-outs, %s SMS replies",
                org_id, updated, stopped, relayed,
            )  # fmt: skip
        return Reported(updated, stopped, relayed)


async def _report(uow: UnitOfWork, org_id: int, status: SmsStatus, now: datetime) -> int:
    logged = await uow.client_loop.by_provider_id(org_id, Channel.SMS, status.message_id)
    if logged is None:
        return 0
    target = next_status(logged.status, status.state)
    if target is None:
        return 0
    await uow.client_loop.set_status(org_id, logged.id, target, None, now)
    if target is DeliveryStatus.FAILED:
        # The provider accepted it and the operator gave up: recorded; not sent again by
        # another channel (docs/client-loop.md, "Opt-outs and delivery reports").
        log.info("client message %s: the SMS was not delivered", logged.id)
    return 1
