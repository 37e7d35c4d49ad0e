"""The owner's telephony settings: the organization's webhook URL (its public key is made
when telephony is first opened), recording and transcription switches (recording only after
the owner confirms it is lawful for them), and each manager's PBX extension."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from core.changes import PbxAccountChange
from core.domain import Actor
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.telephony.events import PbxAccount, PbxCredentials

DEFAULT_BASE_URL = "http://127.0.0.1:8081"
WEBHOOK_PATH = "/pbx/zadarma/"
_EXTENSION = re.compile(r"\d{1,8}")


@dataclass(frozen=True, slots=True)
class TelephonyStatus:
    account: PbxAccount
    webhook_url: str
    has_credentials: bool  # the organization's own, or the deployment's
    can_transcribe: bool  # speech recognition is configured


class TelephonyService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        public_base_url: str | None = None,
        fallback: PbxCredentials | None = None,
        can_transcribe: bool = False,
    ) -> None:
        self._uow, self._clock = uow, clock
        self._base = (public_base_url or DEFAULT_BASE_URL).rstrip("/")
        self._fallback, self._can_transcribe = fallback, can_transcribe

    async def status(self, actor: Actor) -> TelephonyStatus:
        """The organization's telephony, its webhook key made on first use."""
        require(actor, Action.ORG_SETTINGS)
        async with self._uow() as uow:
            account = await self._account(uow, actor)
            own = await uow.calls.credentials(account.organization_id)
            await uow.commit()
        url = f"{self._base}{WEBHOOK_PATH}{account.org_key}"
        has = own is not None or self._fallback is not None
        return TelephonyStatus(account, url, has, self._can_transcribe)

    async def _account(self, uow: UnitOfWork, actor: Actor) -> PbxAccount:
        assert actor.organization is not None
        org_id = actor.organization.id
        account = await uow.calls.account(org_id)
        if account is None:
            key = secrets.token_urlsafe(16)
            new = PbxAccountChange(org_key=key)
            account = await uow.calls.save_account(org_id, self._clock.now(), new)
        return account

    async def set_recording(self, actor: Actor, on: bool, confirmed: bool = False) -> None:
        """On only with the owner's confirmation that recording calls is lawful for them;
        off also stops transcription."""
        require(actor, Action.ORG_SETTINGS)
        if on and not confirmed:
            raise DomainError("recording_unconfirmed")
        now = self._clock.now()
        if on:
            change = PbxAccountChange(
                recording_enabled=True,
                recording_confirmed_at=now,
                recording_confirmed_by=actor.user.id,
            )
        else:
            change = PbxAccountChange(recording_enabled=False, transcription_enabled=False)
        await self._save(actor, change)

    async def set_transcription(self, actor: Actor, on: bool) -> None:
        require(actor, Action.ORG_SETTINGS)
        if on:
            async with self._uow() as uow:
                account = await self._account(uow, actor)
            if not account.recording_enabled:
                raise DomainError("recording_off")
        await self._save(actor, PbxAccountChange(transcription_enabled=on))

    async def set_extension(self, actor: Actor, extension: str) -> str:
        """`/telephony ext 101`: calls answered on 101 are this member's."""
        require(actor, Action.CLIENT_CONTACTS_ANY)
        if not _EXTENSION.fullmatch(extension):
            raise DomainError("extension_invalid", example="101")
        async with self._uow() as uow:
            account = await self._account(uow, actor)
            mine = {k: v for k, v in account.extensions.items() if v != actor.user.id}
            extensions = PbxAccountChange(extensions={**mine, extension: actor.user.id})
            await uow.calls.save_account(account.organization_id, self._clock.now(), extensions)
            await uow.commit()
        return extension

    async def _save(self, actor: Actor, change: PbxAccountChange) -> None:
        async with self._uow() as uow:
            account = await self._account(uow, actor)
            await uow.calls.save_account(account.organization_id, self._clock.now(), change)
            await uow.commit()
