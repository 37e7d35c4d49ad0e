"""Who is acting: the person behind an update, their language and their active organization."""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.bundles import Arriving
from core.changes import KEEP, UserChange
from core.domain import LANGUAGES, Actor, Membership, Organization, TelegramProfile, User
from core.errors import DomainError
from core.outcomes import LanguageChanged
from core.ports import Clock, UnitOfWork, UowFactory
from core.team.profile import Corrected, correct
from core.team.restriction import restrict_own


@dataclass(frozen=True, slots=True)
class Arrival:
    seen: bool
    actor: Actor | None = None


class UserService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def identify(self, profile: TelegramProfile) -> Actor:
        """Find or register the sender, refresh their Telegram details, load their active role."""
        async with self._uow() as uow:
            return await self._identify(uow, profile)

    async def arrive(self, update_id: int, profile: TelegramProfile | None) -> Arrival:
        """The start of every Telegram update, in one unit of work: was it applied already
        (then nobody is identified), and who sent it."""
        async with self._uow() as uow:
            if profile is None:
                return Arrival(seen=await uow.updates.seen(update_id))
            arriving = await uow.members.arrival(update_id, profile.telegram_id, self._clock.now())
            if arriving.seen:
                return Arrival(seen=True)
            return Arrival(seen=False, actor=await self._identify(uow, profile, arriving))

    async def _identify(
        self, uow: UnitOfWork, profile: TelegramProfile, arriving: Arriving | None = None
    ) -> Actor:
        """`arriving`: the sender as already loaded (with their active membership)."""
        if arriving is None:
            user = await uow.users.by_telegram_id(profile.telegram_id)
        else:
            user = arriving.user
        changed = user is None or _differs(user, profile)
        if user is None:
            user = await uow.users.add(profile, self._clock.now())
        elif changed:
            named = user.name_set_at is None  # a name typed by the person stays theirs
            refreshed = UserChange(
                first_name=profile.first_name if named else KEEP,
                last_name=profile.last_name if named else KEEP,
                username=profile.username,
                telegram_language=profile.language_code,
                unreachable_at=None,
            )
            user = await uow.users.update(user.id, refreshed)
        known = (arriving.membership, arriving.organization) if arriving else None
        actor = await load_actor(uow, user, known)
        if arriving is not None:
            actor = replace(actor, policy=arriving.policy)
        if changed or actor.user.active_org_id != user.active_org_id:
            await uow.commit()
        return actor

    async def get(self, user_id: int) -> User | None:
        async with self._uow() as uow:
            return await uow.users.get(user_id)

    async def set_language(self, actor: Actor, language: str) -> LanguageChanged:
        if language not in LANGUAGES:
            raise DomainError("choose_option")
        async with self._uow() as uow:
            if actor.user.language == language:  # nothing corrected
                return LanguageChanged(language)
            now = self._clock.now()
            fixed = Corrected(UserChange(language=language), actor.user.language, language)
            await correct(uow, actor, fixed, "language", now)
            await uow.commit()
        return LanguageChanged(language)

    async def restrict_self(self, actor: Actor, on: bool) -> User:
        """/privacy: restrict processing of one's own data, or lift it (audited)."""
        async with self._uow() as uow:
            user = await restrict_own(uow, actor, on, self._clock.now())
            await uow.commit()
        return user

    async def mark_unreachable(self, telegram_id: int, reachable: bool = False) -> None:
        """Telegram said the person blocked the bot (or came back)."""
        async with self._uow() as uow:
            user = await uow.users.by_telegram_id(telegram_id)
            if user is None:
                return
            stamp = None if reachable else self._clock.now()
            if (user.unreachable_at is None) == (stamp is None):
                return
            await uow.users.update(user.id, UserChange(unreachable_at=stamp))
            await uow.commit()


def _differs(user: User, profile: TelegramProfile) -> bool:
    renamed = user.first_name != profile.first_name or user.last_name != profile.last_name
    return (
        (renamed and user.name_set_at is None)
        or user.username != profile.username
        or user.telegram_language != profile.language_code
        or user.unreachable_at is not None
    )


async def load_actor(
    uow: UnitOfWork,
    user: User,
    known: tuple[Membership | None, Organization | None] | None = None,
) -> Actor:
    """The user with their active organization; falls back to another active membership.
    `known`: their membership in their active organization and that organization, loaded."""
    membership: Membership | None = None
    if known is not None:
        membership, org = known
        if membership is not None and membership.active and org is not None:
            return Actor(user, org, membership)
    elif user.active_org_id is not None:
        membership = await uow.members.get(user.active_org_id, user.id)
    if membership is None or not membership.active:
        for choice in await uow.members.choices_for_user(user.id):
            if choice.active:
                active = UserChange(active_org_id=choice.organization.id)
                user = await uow.users.update(user.id, active)
                member = await uow.members.get(choice.organization.id, user.id)
                return Actor(user, choice.organization, member)
    if membership is None:
        return Actor(user)
    if known is not None and known[1] is not None:
        return Actor(user, known[1], membership)
    return Actor(user, await uow.orgs.get(membership.organization_id), membership)
