"""Who may use the admin endpoint: one-time sign-in links from /admin, browser sessions, and
API tokens for integrations. Every token is random, shown once and stored only as a hash;
every request acts as one member of one organization, checked like a bot update."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.admin.factors import SessionState, session_state
from core.admin.model import (
    IP_MAX,
    MAX_API_TOKENS,
    SESSION_HOURS,
    SIGN_IN_MINUTES,
    TOKEN_NAME_MAX,
    AdminSession,
    ApiToken,
    Origin,
    new_token,
    token_hash,
)
from core.admin.sessions import (
    AdminSessions,
    Failure,
    SignInRefused,
    refusal,
    seen_due,
    stored_origin,
)
from core.domain import Actor, OrgStatus, Role
from core.errors import DomainError
from core.permissions import Action, require
from core.ports import Clock, UnitOfWork, UowFactory
from core.privacy.audit import record
from core.privacy.model import AuditAction
from core.text import clean_name

TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,100}$")
LINK_PREFIX, SESSION_PREFIX, API_PREFIX, DEVICE_PREFIX = "sl_", "ss_", "ak_", "dv_"


@dataclass(frozen=True, slots=True)
class IssuedLink:
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class OpenedSession:
    token: str
    expires_at: datetime
    actor: Actor
    session: AdminSession
    device: str  # the browser's device id for its long-lived cookie (kept hashed)
    new_browser: bool  # the person signed in before, never from this browser
    state: SessionState = SessionState.FULL  # pending: the second factor comes next


@dataclass(frozen=True, slots=True)
class IssuedApiToken:
    token: str  # shown once, never stored
    record: ApiToken


class AdminService:
    def __init__(self, uow: UowFactory, clock: Clock, public_url: str) -> None:
        self._uow = uow
        self._clock = clock
        self.public_url = public_url.rstrip("/")
        self.sessions = AdminSessions(uow, clock)

    @property
    def billing_url(self) -> str:
        return f"{self.public_url}/billing"

    async def issue_link(self, actor: Actor) -> IssuedLink:
        """A link that opens a session once, within ten minutes: owners (settings, billing,
        the board) and managers (the board, with their role's rights); workers are refused
        (their view is the chat)."""
        if actor.role is Role.WORKER:
            raise DomainError("board_workers")
        require(actor, Action.BOARD_VIEW)
        assert actor.organization is not None
        token, now = new_token(LINK_PREFIX), self._clock.now()
        expires = now + timedelta(minutes=SIGN_IN_MINUTES)
        async with self._uow() as uow:
            await uow.admin.add_link(
                actor.organization.id, actor.user.id, token_hash(token), expires, now
            )
            await uow.commit()
        return IssuedLink(f"{self.public_url}/signin/{token}", expires)

    async def sign_in(self, link_token: str, origin: Origin | None = None) -> OpenedSession:
        """Spends the link (a second use, even a concurrent one, is refused with why) and
        opens a session for its member, if they may still open the board. `origin`: the
        browser's User-Agent, address and device cookie; a browser without a valid device
        cookie gets a new one, so it counts as new once."""
        if not TOKEN_SHAPE.match(link_token):
            raise SignInRefused(Failure.LINK_UNKNOWN)
        now, given = self._clock.now(), stored_origin(origin or Origin())
        device = given.device
        if device is None or not TOKEN_SHAPE.match(device):
            device = new_token(DEVICE_PREFIX)
        async with self._uow() as uow:
            link = await uow.admin.use_link(token_hash(link_token), now)
            if link is None:
                raise refusal(await uow.admin.link(token_hash(link_token)))
            actor = await scoped_actor(uow, link.user_id, link.organization_id)
            require(actor, Action.BOARD_VIEW)
            earlier, here = await uow.admin.sign_in_history(link.user_id, token_hash(device))
            await uow.admin.revoke_device_sessions(token_hash(device), now)  # one per browser
            token, expires = new_token(SESSION_PREFIX), now + timedelta(hours=SESSION_HOURS)
            session = await uow.admin.add_session(
                link.organization_id,
                link.user_id,
                token_hash(token),
                expires,
                now,
                given,
                token_hash(device),
            )
            opened = await uow.admin.session(token_hash(token))  # with its second factor
            assert opened is not None
            state = state_of(opened, actor)
            await record(uow, actor, AuditAction.ADMIN_SIGN_IN, now)
            await uow.commit()
        return OpenedSession(
            token, expires, actor, session, device, earlier > 0 and here == 0, state
        )

    async def session_actor(self, session_token: str, ip: str | None = None) -> Actor:
        """The session's member, if the session passed its second factor (when it needs
        one): a pending session is refused here, so every page and the API refuse it
        alike. With the caller's address (`ip`), the session's "last seen" and address
        are written, at most once a minute: most requests write nothing."""
        if not TOKEN_SHAPE.match(session_token):
            raise DomainError("session_invalid")
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.admin.session(token_hash(session_token))
            if session is None or session.revoked_at is not None:
                raise DomainError("session_invalid")
            if session.expires_at <= now:
                raise DomainError("session_invalid")
            actor = await scoped_actor(uow, session.user_id, session.organization_id)
            state = state_of(session, actor)
            if state is SessionState.PENDING:
                raise DomainError("second_factor_pending")
            if state is SessionState.SETUP:
                raise DomainError("second_factor_setup")
            before = seen_due(session, now)
            if ip is not None and before is not None:  # else: seen less than a minute ago
                await uow.admin.touch_session(session.id, now, ip[:IP_MAX], before)
                await uow.commit()
            return actor

    async def sign_out(self, session_token: str) -> None:
        async with self._uow() as uow:
            await uow.admin.revoke_session(token_hash(session_token), self._clock.now())
            await uow.commit()

    async def create_token(self, actor: Actor, name: str) -> IssuedApiToken:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        label = clean_name(name, TOKEN_NAME_MAX)
        token, now = new_token(API_PREFIX), self._clock.now()
        async with self._uow() as uow:
            if len(await uow.admin.tokens(actor.organization.id)) >= MAX_API_TOKENS:
                raise DomainError("api_tokens_limit", limit=MAX_API_TOKENS)
            record = await uow.admin.add_token(
                actor.organization.id, actor.user.id, label, token_hash(token), token[:7], now
            )
            await uow.commit()
        return IssuedApiToken(token, record)

    async def tokens(self, actor: Actor) -> list[ApiToken]:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            return await uow.admin.tokens(actor.organization.id)

    async def revoke_token(self, actor: Actor, token_id: int) -> None:
        require(actor, Action.ORG_SETTINGS)
        assert actor.organization is not None
        async with self._uow() as uow:
            if not await uow.admin.revoke_token(
                actor.organization.id, token_id, self._clock.now()
            ):
                raise DomainError("not_found")
            await uow.commit()

    async def token_actor(self, api_token: str) -> Actor:
        """The member who created the token, with their role now (a demoted owner's tokens
        lose what the role lost)."""
        if not TOKEN_SHAPE.match(api_token):
            raise DomainError("token_invalid")
        async with self._uow() as uow:
            record = await uow.admin.token(token_hash(api_token))
            if record is None or record.revoked_at is not None:
                raise DomainError("token_invalid")
            actor = await scoped_actor(uow, record.user_id, record.organization_id)
            await uow.admin.touch_token(record.id, self._clock.now())
            await uow.commit()
            return actor


def state_of(session: AdminSession, actor: Actor) -> SessionState:
    owner = actor.role is Role.OWNER
    return session_state(
        session.has_factor, session.second_factor_at, session.factor_required, owner
    )


async def scoped_actor(uow: UnitOfWork, user_id: int, org_id: int) -> Actor:
    """The person as a member of exactly this organization (not their active one in the bot)."""
    user = await uow.users.get(user_id)
    org = await uow.orgs.get(org_id)
    membership = await uow.members.get(org_id, user_id)
    if user is None or org is None or membership is None or org.status is not OrgStatus.ACTIVE:
        raise DomainError("session_invalid")
    if not membership.active:
        raise DomainError("access_revoked")
    return Actor(user, org, membership)
