"""What backups need from the outside: the database's snapshots, a cipher, the journal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.backup.model import ErasureRecord


class Snapshots(Protocol):
    """The database, as a whole: a consistent copy out, a copy into an empty one."""

    backend: str

    async def dump(self) -> tuple[bytes, str]:
        """A consistent snapshot while the bot runs, and the tool (with version) that made it."""
        ...

    async def revision(self) -> str | None:
        """The schema's Alembic revision; None when the database has no schema."""
        ...

    def known_revisions(self) -> Sequence[str]:
        """Every revision this code's migrations know, oldest first."""
        ...

    async def is_empty(self) -> bool:
        """No table at all (a new database)."""
        ...

    async def load(self, snapshot: bytes) -> None:
        """Load a snapshot into the empty database, all or nothing."""
        ...

    async def upgrade(self) -> None:
        """Migrate the loaded schema to this code's head."""
        ...


class Cipher(Protocol):
    def seal(self, data: bytes) -> bytes: ...
    def open(self, sealed: bytes) -> bytes:
        """The plaintext; BackupRefused for a wrong key or damaged data."""
        ...


class ErasureJournal(Protocol):
    """Append-only records of erasures, kept apart from the backups."""

    async def append(self, record: ErasureRecord) -> None: ...
    async def since(self, moment: datetime) -> list[ErasureRecord]:
        """Records at or after `moment`, oldest first."""
        ...
