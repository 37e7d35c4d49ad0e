"""Taking backups (snapshot, seal, store with a manifest, rotate) and the daily job.

The snapshot is sealed with age before it leaves the process; the key (or only the public
recipient) comes from the deployment's settings, never from the database. The manifest is
written last, so a backup without one is unfinished (the restore refuses it, rotation clears
it). Rotation deletes every backup older than the kept days, never more than 90.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from core.backup.model import (
    MANIFEST,
    PREFIX,
    SEALED,
    BackupRefused,
    Manifest,
    backup_name,
    expired,
    taken_at,
)
from core.backup.ports import Cipher, Snapshots
from core.domain import Job
from core.ports import Clock, FileStore, UowFactory
from core.privacy.retention import next_daily_run

BACKUP_JOB = "backup"


class BackupService:
    def __init__(
        self,
        snapshots: Snapshots,
        cipher: Cipher | None,
        store: FileStore,
        clock: Clock,
        keep_days: int,
        hour: int = 2,
    ) -> None:
        self._snapshots, self._cipher, self._store = snapshots, cipher, store
        self._clock, self._keep_days, self._hour = clock, keep_days, hour

    async def take(self) -> Manifest:
        """One backup now, then rotation; BackupRefused without a key or a schema."""
        if self._cipher is None:
            raise BackupRefused("no backup key: set BACKUP_RECIPIENTS (or BACKUP_KEY)")
        now = self._clock.now()
        revision = await self._snapshots.revision()
        if revision is None:
            raise BackupRefused("the database has no schema: run `astracrm db upgrade` first")
        plain, tool = await self._snapshots.dump()
        if await self._snapshots.revision() != revision:
            raise BackupRefused("the schema changed during the snapshot (a migration ran)")
        sealed = self._cipher.seal(plain)
        name = backup_name(now)
        manifest = Manifest(
            name, now, self._snapshots.backend, revision, tool,
            len(plain), hashlib.sha256(plain).hexdigest(),
            len(sealed), hashlib.sha256(sealed).hexdigest(),
        )  # fmt: skip
        await self._store.put(name + SEALED, sealed, "application/octet-stream")
        await self._store.put(name + MANIFEST, manifest.to_json(), "application/json")
        await self.rotate()
        return manifest

    async def rotate(self) -> list[str]:
        """Delete the objects of backups past the kept days; the keys deleted."""
        gone = expired(await self._store.keys(PREFIX), self._clock.now(), self._keep_days)
        for key in gone:
            await self._store.delete(key)
        return gone

    async def names(self) -> list[str]:
        """Finished backups (those with a manifest), oldest first."""
        keys = await self._store.keys(PREFIX)
        found = {k.removesuffix(MANIFEST) for k in keys if k.endswith(MANIFEST)}
        return sorted(n for n in found if taken_at(n) is not None and n + SEALED in keys)

    async def job(self, uow: UowFactory, _job: Job) -> None:
        """The daily job: a backup, then tomorrow's run queued."""
        await self.take()
        await self.schedule(uow)

    async def schedule(self, uow: UowFactory) -> datetime:
        """Queue the next daily run (once per day, whoever asks)."""
        run_at = next_daily_run(self._clock.now(), self._hour)
        async with uow() as work:
            dedup = f"{BACKUP_JOB}:{run_at:%Y%m%d}"
            await work.jobs.enqueue(BACKUP_JOB, {}, run_at, None, dedup)
            await work.commit()
        return run_at
