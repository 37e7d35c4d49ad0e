"""Ports of the privacy features: the audit log, export queries, erasure and purges, retention,
and the ZIP builder. Re-exported by `core.ports`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.domain import Organization
from core.privacy.export_format import ExportLayout
from core.privacy.model import (
    AuditEvent,
    ConsentRecord,
    Entity,
    Erased,
    ExportFile,
    RetentionReport,
    StoredFile,
)
from core.privacy.policy import Publication
from core.privacy.retention import Cutoffs


@dataclass(frozen=True, slots=True)
class ClientAudience:
    """A client linked in Telegram, as a policy notice reaches them."""

    user_id: int
    telegram_id: int
    language: str | None
    telegram_language: str | None
    zone: str


class PolicyRepository(Protocol):
    async def publications(self) -> list[Publication]: ...
    async def publish(self, publication: Publication) -> bool:
        """False when the version was published before (nothing changes)."""
        ...

    async def clients(self) -> list[ClientAudience]: ...
    async def add_notices(
        self, version: str, user_ids: Collection[int], now: datetime
    ) -> set[int]:
        """The people not told about `version` before, now noted as told."""
        ...

    async def notices(self, version: str) -> int: ...


class AuditRepository(Protocol):
    async def add(
        self,
        org_id: int | None,
        actor_id: int | None,
        action: str,
        subject_type: str | None,
        subject_id: int | None,
        data: dict[str, Any],
        now: datetime,
    ) -> None: ...
    async def listing(self, org_id: int, limit: int, offset: int) -> list[AuditEvent]:
        """Newest first, with each actor's current display name."""
        ...

    async def count(self, org_id: int) -> int: ...


class PrivacyRepository(Protocol):
    async def entities(self, org_id: int) -> list[Entity]:
        """Every table holding the organization's rows (found from the schema), and its
        members and their consents: what an owner's export contains."""
        ...

    async def personal(self, user_id: int) -> list[Entity]:
        """What the product holds about one person."""
        ...

    async def files(self, org_id: int) -> list[StoredFile]: ...
    async def client_package(
        self, org_id: int, client_id: int
    ) -> tuple[list[Entity], list[StoredFile]]:
        """Every row held about one client and their stored files (none: no such client)."""
        ...

    async def consents(self, user_id: int) -> list[ConsentRecord]: ...
    async def marketing(self, user_id: int) -> bool:
        """Whether the person's latest marketing choice is yes (no choice: no)."""
        ...

    async def retention_days(self, org_id: int) -> int | None: ...
    async def set_retention_days(self, org_id: int, days: int | None, now: datetime) -> None: ...
    async def business_preview(self, org_id: int, before: datetime) -> tuple[int, int]:
        """(idle clients, finished orders with details) an organization's limit would erase."""
        ...

    async def deleted_orgs(self, owner_id: int) -> list[tuple[Organization, datetime]]:
        """Organizations pending deletion where this person is an active owner."""
        ...

    async def due_for_purge(self, deleted_before: datetime) -> list[int]: ...
    async def erase_client(self, org_id: int, client_id: int) -> Erased:
        """Delete the client (and cards merged into it) with everything about them; keep
        their orders, stripped of personal details. Returns the objects to delete."""
        ...

    async def erase_user(self, user_id: int, now: datetime) -> None:
        """End the memberships and erase the person; what they authored stays, anonymous."""
        ...

    async def purge_org(self, org_id: int) -> None:
        """Delete every row of the organization, and the organization."""
        ...

    async def apply_retention(
        self, limits: Cutoffs, now: datetime, report: RetentionReport
    ) -> None: ...
    async def scan(self, values: Sequence[str | int]) -> list[str]:
        """`table.column` of every place still holding one of the values."""
        ...

    async def compact(self) -> None:
        """Rewrite what keeps deleted text around (the SQLite search index)."""
        ...


class ExportBuilder(Protocol):
    """Builds one ZIP: a JSON and a CSV file per entity, the files, and a README."""

    def add_entity(self, entity: Entity) -> None: ...
    def add_file(self, name: str, data: bytes) -> None: ...
    def finish(
        self, personal: bool, created_at: datetime, client_id: int | None = None
    ) -> ExportFile: ...
    def discard(self) -> None: ...


# A builder for the file name, writing for the person who asked (see `core.privacy.export_format`).
ExportBuilderFactory = Callable[[str, ExportLayout], ExportBuilder]
