"""Connecting an organization's own bot (docs/own-bot.md). The owner's token is checked by a
job (`OWNBOT_CHECK_JOB`), not in the owner's update: Telegram is asked outside any
transaction, and a check that fails on the network is tried again by the job queue. The token
is kept encrypted with the credentials' box and is never logged or shown again; the audit
log names the bot's id only."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.domain import Actor, Job
from core.errors import DomainError
from core.ownbot.model import OWNBOT_CHECK_JOB, BotIdentity, BotState, OwnBot, token_bot_id
from core.ownbot.routing import RunningBot
from core.permissions import Action, require
from core.ports import Clock, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.service_ports import SecretBox


@dataclass(frozen=True, slots=True)
class Check:
    """A check the job is to make: the bot the job was queued for, with its token."""

    org_id: int
    telegram_id: int
    token: str
    org_name: str  # what the bot's profile names
    org_language: str  # the profile's language for everyone whose language has none of its own


class OwnBotService:
    def __init__(self, uow: UowFactory, clock: Clock, box: SecretBox | None) -> None:
        self._uow = uow
        self._clock = clock
        self._box = box

    @property
    def available(self) -> bool:
        """Tokens are kept encrypted: without an encryption key there are no own bots."""
        return self._box is not None

    async def connect(self, actor: Actor, token: str) -> OwnBot:
        """Store the token (replacing a bot connected before) and queue its check."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        if self._box is None:
            raise DomainError("ownbot_unavailable")
        telegram_id = token_bot_id(token)
        if telegram_id is None:
            raise DomainError("ownbot_token_invalid")
        org_id, now = actor.organization.id, self._clock.now()
        sealed = self._box.encrypt(token.strip().encode())
        async with self._uow() as uow:
            holder = await uow.own_bots.holder(telegram_id)
            if holder is not None and holder != org_id:
                raise DomainError("ownbot_taken")
            bot = await uow.own_bots.put(org_id, telegram_id, sealed, actor.user.id, now)
            payload = {"org": org_id, "bot": telegram_id}
            await uow.jobs.enqueue(OWNBOT_CHECK_JOB, payload, now, org_id=org_id)
            subject = ("own_bot", telegram_id)
            await record(uow, actor, AuditAction.OWN_BOT_CONNECTED, now, subject)
            await uow.commit()
        return bot

    async def status(self, actor: Actor) -> OwnBot | None:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.own_bots.get(actor.organization.id)

    async def set_staff(self, actor: Actor, serves_staff: bool) -> OwnBot:
        """Whether the organization's staff use its bot too (else only its clients)."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        org_id = actor.organization.id
        async with self._uow() as uow:
            before = await uow.own_bots.get(org_id)
            if before is None or not await uow.own_bots.set_staff(org_id, serves_staff):
                raise DomainError("ownbot_none")
            now, old = self._clock.now(), before.serves_staff
            await record(
                uow, actor, AuditAction.SETTING_CHANGED, now, name="own_bot_staff", old=old,
                new=serves_staff,
            )  # fmt: skip
            await uow.commit()
        return dataclasses.replace(before, serves_staff=serves_staff)

    async def disconnect(self, actor: Actor) -> OwnBot:
        """Forget the bot and its token: everyone is on the shared bot again."""
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        now = self._clock.now()
        async with self._uow() as uow:
            bot = await uow.own_bots.remove(actor.organization.id)
            if bot is None:
                raise DomainError("ownbot_none")
            subject = ("own_bot", bot.telegram_id)
            await record(uow, actor, AuditAction.OWN_BOT_DISCONNECTED, now, subject)
            await uow.commit()
        return bot

    async def check_of(self, job: Job) -> Check | None:
        """The job's bot and its token; None when it was disconnected or replaced since."""
        org_id, telegram_id = int(str(job.payload["org"])), int(str(job.payload["bot"]))
        if self._box is None:
            return None
        async with self._uow() as uow:
            found = await uow.own_bots.sealed_token(org_id)
            org = await uow.orgs.get(org_id)
        if found is None or org is None or found[0].telegram_id != telegram_id:
            return None
        token = self._box.decrypt(found[1]).decode()
        return Check(org_id, telegram_id, token, org.name, org.language)

    async def checked(self, check: Check, identity: BotIdentity | None) -> OwnBot | None:
        """Record what Telegram answered (None: the token was refused); the bot as now
        stored, or None when it was replaced or disconnected meanwhile (nobody is told)."""
        now = self._clock.now()
        state = BotState.ACTIVE if identity is not None else BotState.REVOKED
        username = identity.username if identity is not None else None
        async with self._uow() as uow:
            if not await uow.own_bots.checked(
                check.org_id, check.telegram_id, state, username, now
            ):
                return None
            bot = await uow.own_bots.get(check.org_id)
            await uow.commit()
        return bot

    async def running(self) -> list[RunningBot]:
        """The active bots processes serve, with their tokens (never logged)."""
        if self._box is None:
            return []
        async with self._uow() as uow:
            found = await uow.own_bots.running()
        box = self._box
        return [
            RunningBot(number, bot.organization_id, bot.telegram_id, bot.serves_staff,
                       box.decrypt(sealed).decode())
            for number, bot, sealed in found
        ]  # fmt: skip

    async def refused(self, telegram_id: int) -> OwnBot | None:
        """Telegram refused the active bot's token (401 on a call, revoked at @BotFather):
        `revoked`, so everyone is on the shared bot; None if it was not active (told once)."""
        async with self._uow() as uow:
            bot = await uow.own_bots.refused(telegram_id, self._clock.now())
            await uow.commit()
        return bot

    async def started(self, bot: int, user_id: int) -> None:
        """The person wrote to own bot number `bot`: it may write to them from now on."""
        async with self._uow() as uow:
            if await uow.own_bots.started(bot, user_id, self._clock.now()):
                await uow.commit()

    async def has_chat(self, bot: int, telegram_id: int) -> bool:
        async with self._uow() as uow:
            return await uow.own_bots.has_chat(bot, telegram_id)

    async def staff_bot(self, telegram_id: int) -> int | None:
        """The own bot a staff member works in (their active organization's, serving staff,
        which they wrote to); None: the shared bot."""
        async with self._uow() as uow:
            return await uow.own_bots.staff_bot(telegram_id)

    async def chats_of(self, telegram_id: int) -> list[int]:
        async with self._uow() as uow:
            return await uow.own_bots.chats_of(telegram_id)

    async def forget_chat(self, bot: int, telegram_id: int) -> None:
        """The person blocked own bot number `bot`: their messages go through the shared bot."""
        async with self._uow() as uow:
            await uow.own_bots.forget_chat(bot, telegram_id)
            await uow.commit()
