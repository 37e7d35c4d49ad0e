"""Ports: what the core needs from the outside world, as typing.Protocol classes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from core.dialogs import DialogState
from core.domain import (
    AddressSuggestion,
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


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware, in UTC."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def by_telegram_id(self, telegram_id: int) -> User | None: ...
    async def add(self, profile: TelegramProfile, now: datetime) -> User: ...
    async def update(self, user_id: int, **fields: Any) -> User: ...


class OrganizationRepository(Protocol):
    async def get(self, org_id: int) -> Organization | None: ...
    async def add(
        self, name: str, timezone: str, currency: str, language: str, country: str, now: datetime
    ) -> Organization: ...
    async def update(self, org_id: int, **fields: Any) -> Organization: ...


class MembershipRepository(Protocol):
    async def get(self, org_id: int, user_id: int) -> Membership | None: ...
    async def by_id(self, org_id: int, membership_id: int) -> Membership | None: ...
    async def add(self, org_id: int, user_id: int, role: Role, now: datetime) -> Membership: ...
    async def update(self, org_id: int, membership_id: int, **fields: Any) -> Membership: ...
    async def team(self, org_id: int) -> Sequence[MemberView]: ...
    async def choices_for_user(self, user_id: int) -> Sequence[OrgChoice]: ...
    async def count_active(self, org_id: int, role: Role | None = None) -> int: ...


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


class CategoryRepository(Protocol):
    async def add_many(self, org_id: int, names: Sequence[str]) -> None: ...
    async def names(self, org_id: int) -> list[str]: ...


class DialogRepository(Protocol):
    async def get(self, chat_id: int, user_id: int) -> DialogState | None: ...
    async def save(self, chat_id: int, user_id: int, state: DialogState, now: datetime) -> None:
        """Insert or update; raises ConcurrencyConflict if someone saved a newer version."""
        ...

    async def clear(self, chat_id: int, user_id: int) -> None: ...


class ProcessedUpdateRepository(Protocol):
    async def seen(self, update_id: int) -> bool: ...
    async def claim(self, update_id: int, now: datetime) -> None:
        """Record the update as applied; raises DuplicateUpdate if it already was."""
        ...


class JobRepository(Protocol):
    async def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        run_at: datetime,
        org_id: int | None = None,
        dedup_key: str | None = None,
    ) -> int | None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    orgs: OrganizationRepository
    members: MembershipRepository
    invites: InviteRepository
    consents: ConsentRepository
    categories: CategoryRepository
    dialogs: DialogRepository
    updates: ProcessedUpdateRepository
    jobs: JobRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self, claim_update: bool = True) -> None: ...


UowFactory = Callable[[], UnitOfWork]


class PhoneNormalizer(Protocol):
    def normalize(self, text: str, country: str) -> str | None:
        """The number in E.164 (`+79161234567`), or None when it is not a valid phone number."""
        ...


class AddressSuggester(Protocol):
    async def suggest(self, query: str, language: str, limit: int = 5) -> list[AddressSuggestion]:
        """Addresses matching what was typed; an empty list when none or the service failed."""
        ...


class StaticMaps(Protocol):
    async def preview(self, latitude: float, longitude: float) -> bytes | None:
        """A small PNG map with a marker, or None when the service is off or failed."""
        ...
