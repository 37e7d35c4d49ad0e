"""Ports of people and teams: users, organizations, memberships (with the arrival of an
update's sender), invitations and the consents people give. Part of the unit of work
(`core.ports.UnitOfWork`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.bundles import Arriving
from core.changes import MembershipChange, OrgChange, UserChange
from core.domain import (
    ConsentKind,
    Invite,
    Membership,
    MemberView,
    Organization,
    OrgChoice,
    Role,
    TelegramProfile,
    User,
)


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def by_telegram_id(self, telegram_id: int) -> User | None: ...
    async def many(self, user_ids: Sequence[int]) -> list[User]: ...
    async def add(self, profile: TelegramProfile, now: datetime) -> User: ...
    async def update(self, user_id: int, change: UserChange) -> User: ...


class OrganizationRepository(Protocol):
    async def get(self, org_id: int) -> Organization | None: ...
    async def add(
        self, name: str, timezone: str, currency: str, language: str, country: str, now: datetime
    ) -> Organization: ...
    async def update(self, org_id: int, change: OrgChange) -> Organization: ...


class MembershipRepository(Protocol):
    async def get(self, org_id: int, user_id: int) -> Membership | None: ...
    async def by_id(self, org_id: int, membership_id: int) -> Membership | None: ...
    async def add(self, org_id: int, user_id: int, role: Role, now: datetime) -> Membership: ...
    async def update(
        self, org_id: int, membership_id: int, change: MembershipChange
    ) -> Membership: ...
    async def team(self, org_id: int) -> Sequence[MemberView]: ...
    async def choices_for_user(self, user_id: int) -> Sequence[OrgChoice]: ...
    async def count_active(self, org_id: int, role: Role | None = None) -> int: ...
    async def arrival(self, update_id: int, telegram_id: int, now: datetime) -> Arriving: ...


class InviteRepository(Protocol):
    async def add(
        self,
        org_id: int,
        token_hash: str,
        role: Role,
        created_by: int,
        expires_at: datetime,
        max_uses: int,
        now: datetime,
    ) -> Invite: ...
    async def by_token_hash(self, token_hash: str) -> Invite | None: ...
    async def use(self, invite_id: int, now: datetime) -> bool:
        """Count one use if it is still valid at `now`; False when used up or expired."""
        ...

    async def revoke(self, org_id: int, invite_id: int, now: datetime) -> None: ...


class ConsentRepository(Protocol):
    async def add(
        self, user_id: int, kind: ConsentKind, version: str, accepted: bool, now: datetime
    ) -> None: ...
