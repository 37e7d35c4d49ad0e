"""Owners create, list and revoke their organization's API keys; the REST API turns a key
into the actor it works as. Creating and revoking are audited (ids and codes only: never
the key)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.admin.model import new_token, token_hash
from core.admin.service import scoped_actor
from core.apikeys.model import (
    ANSWERS_KEPT,
    KEY_NAME_MAX,
    KEY_PREFIX,
    MAX_API_KEYS,
    TOUCH_EVERY,
    ApiKey,
    Scope,
    StoredAnswer,
    parse_scopes,
)
from core.domain import Actor, Role
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_name

KEY_SHAPE = re.compile(r"^crm_[A-Za-z0-9_-]{40,60}$")


@dataclass(frozen=True, slots=True)
class IssuedKey:
    secret: str  # shown once, never stored
    key: ApiKey


@dataclass(frozen=True, slots=True)
class KeyCaller:
    """A request made with a key: the owner it acts as, and the key (its scopes, its name
    for the history)."""

    actor: Actor
    key: ApiKey

    def require(self, scope: Scope) -> None:
        if not self.key.allows(scope):
            raise DomainError("api_scope_missing", scope=scope.value)


class ApiKeyService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create(self, actor: Actor, name: str, scopes: Iterable[str]) -> IssuedKey:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        label, chosen = clean_name(name, KEY_NAME_MAX), parse_scopes(scopes)
        secret, now = new_token(KEY_PREFIX), self._clock.now()
        async with self._uow() as uow:
            if len(await uow.api_keys.listing(org_id)) >= MAX_API_KEYS:
                raise DomainError("api_tokens_limit", limit=MAX_API_KEYS)
            key = await uow.api_keys.add(
                org_id, actor.user.id, label, chosen, token_hash(secret), secret[:8], now
            )
            scopes_text = " ".join(chosen)
            subject = ("api_key", key.id)
            await record(uow, actor, AuditAction.API_KEY_CREATED, now, subject, scopes=scopes_text)
            await uow.commit()
        return IssuedKey(secret, key)

    async def keys(self, actor: Actor) -> list[ApiKey]:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.api_keys.listing(actor.organization.id)

    async def revoke(self, actor: Actor, key_id: int) -> ApiKey:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        now = self._clock.now()
        async with self._uow() as uow:
            key = await uow.api_keys.revoke(actor.organization.id, key_id, now)
            if key is None:
                raise DomainError("not_found")
            await record(uow, actor, AuditAction.API_KEY_REVOKED, now, ("api_key", key_id))
            await uow.commit()
        return key

    async def answer(self, caller: KeyCaller, idempotency_key: str) -> StoredAnswer | None:
        async with self._uow() as uow:
            since = self._clock.now() - ANSWERS_KEPT
            return await uow.api_keys.answer(caller.key.id, idempotency_key, since)

    async def keep_answer(
        self, caller: KeyCaller, idempotency_key: str, answer: StoredAnswer
    ) -> bool:
        """In the transaction of the request it answers: kept only if that commits."""
        async with self._uow() as uow:
            kept = await uow.api_keys.keep_answer(
                caller.key.id, idempotency_key, answer, self._clock.now()
            )
            await uow.commit()
            return kept

    async def caller(self, secret: str) -> KeyCaller:
        """The key's owner as an actor of the key's organization; `api_key_invalid` for an
        unknown or revoked key, or one whose creator is no longer an active owner."""
        if not KEY_SHAPE.match(secret):
            raise DomainError("api_key_invalid")
        now = self._clock.now()
        async with self._uow() as uow:
            key = await uow.api_keys.by_hash(token_hash(secret))
            if key is None or key.revoked_at is not None or key.created_by is None:
                raise DomainError("api_key_invalid")
            try:
                actor = await scoped_actor(uow, key.created_by, key.organization_id)
            except DomainError:
                raise DomainError("api_key_invalid") from None
            if actor.role is not Role.OWNER:
                raise DomainError("api_key_invalid")
            if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
                await uow.api_keys.touch(key.id, now)
                await uow.commit()
            return KeyCaller(actor, key)
