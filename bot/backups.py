"""Backups wired from the settings: where they and the erasure journal are kept, the age key,
the `astracrm backup` / `restore` / `backups` commands and the daily job.

Stores: a local folder when BACKUP_DIR (ERASURE_JOURNAL_DIR) is set; else object storage under
its own prefix when S3_BUCKET is set (the files' bucket, never the files' prefix); else a
folder next to FILES_DIR. The journal is never inside the backups' store.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from core.backup.model import REPLAY_MARGIN, BackupRefused, ErasureRecord
from core.backup.restore import Restored, RestoreService, Target
from core.backup.service import BACKUP_JOB, BackupService
from core.clock import SystemClock
from core.domain import Job
from core.ports import Clock, FileStore, UowFactory
from integrations.age import AgeCipher
from storage.backup.journal import StoreJournal
from storage.backup.snapshots import snapshots_for
from storage.files.local import LocalFileStore

if TYPE_CHECKING:
    from bot.container import Container

EXIT_REFUSED = 1


def _store(settings: Settings, folder: Path | None, prefix: str, default: str) -> FileStore:
    if folder is not None:
        return LocalFileStore(folder)
    if not settings.s3_bucket:
        return LocalFileStore(settings.files_dir.parent / default)
    from storage.files.s3 import S3FileStore, make_s3_client  # boto3 only when configured

    key_id, secret = settings.s3_access_key_id, settings.s3_secret_access_key
    client = make_s3_client(
        settings.s3_endpoint_url,
        settings.s3_region,
        key_id.get_secret_value() if key_id else "",
        secret.get_secret_value() if secret else "",
    )
    return S3FileStore(client, settings.s3_bucket, prefix, settings.s3_sse)


def backup_store(settings: Settings) -> FileStore:
    return _store(settings, settings.backup_dir, settings.backup_s3_prefix, "backups")


def erasure_journal(settings: Settings) -> StoreJournal:
    folder, prefix = settings.erasure_journal_dir, settings.erasure_journal_s3_prefix
    return StoreJournal(_store(settings, folder, prefix, "erasure-journal"))


def cipher(settings: Settings) -> AgeCipher | None:
    recipients = [r for r in (settings.backup_recipients or "").split(",") if r.strip()]
    key = settings.backup_key.get_secret_value() if settings.backup_key else None
    return AgeCipher(recipients, key) if recipients or key else None


def backup_service(settings: Settings, clock: Clock) -> BackupService:
    return BackupService(
        snapshots_for(settings.database_url),
        cipher(settings),
        backup_store(settings),
        clock,
        settings.backup_keep_days,
        settings.backup_hour,
    )


def backup_jobs(container: Container) -> dict[str, Callable[[Job], Awaitable[None]]]:
    """The daily backup job's handler (queued only when BACKUP_DAILY is on)."""
    settings, uow = container.settings, _uow(container)

    async def run(job: Job) -> None:
        await backup_service(settings, container.services.clock).job(uow, job)

    return {BACKUP_JOB: run}


def backup_schedule(container: Container) -> list[Callable[[], Awaitable[None]]]:
    """What the scheduler's daily look (and start-up) calls to keep the next backup queued."""
    settings = container.settings
    if not settings.backup_daily:
        return []
    service = backup_service(settings, container.services.clock)
    uow = _uow(container)

    async def schedule() -> None:
        await service.schedule(uow)

    return [schedule]


def _uow(container: Container) -> UowFactory:
    from storage.db import session_factory
    from storage.uow import SqlUnitOfWork

    sessions, clock = session_factory(container.engine), container.services.clock
    return lambda: SqlUnitOfWork(sessions, clock, on_jobs=container.jobs_added.fire)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="take an encrypted backup of the database now")
    backup.set_defaults(handler=cli_backup)
    listing = commands.add_parser("backups", help="list the finished backups, oldest first")
    listing.set_defaults(handler=cli_list)
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty database, then replay the erasures"
    )
    restore.add_argument("name", nargs="?", help="which backup (default: the newest)")
    restore.set_defaults(handler=cli_restore)
    replay = commands.add_parser(
        "replay-erasures", help="after a point-in-time recovery: replay the erasure journal"
    )
    replay.add_argument("since", type=_moment, help="the moment recovered to (ISO 8601)")
    replay.set_defaults(handler=cli_replay)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("give the time zone, e.g. 2026-12-07T10:00:00+00:00")
    return moment


def cli_backup(settings: Settings, _args: argparse.Namespace) -> int:
    try:
        manifest = asyncio.run(backup_service(settings, SystemClock()).take())
    except BackupRefused as refused:
        print(f"backup refused: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"backup {manifest.name}: schema {manifest.revision}, {manifest.plain_bytes} bytes, "
        f"{manifest.sealed_bytes} encrypted, sha256 {manifest.sealed_sha256}"
    )
    return 0


def cli_list(settings: Settings, _args: argparse.Namespace) -> int:
    for name in asyncio.run(backup_service(settings, SystemClock()).names()):
        print(name)
    return 0


def cli_restore(settings: Settings, args: argparse.Namespace) -> int:
    try:
        restored = asyncio.run(_restore(settings, args.name))
    except BackupRefused as refused:
        print(f"restore refused: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    print(
        f"restored {restored.manifest.name} (schema {restored.manifest.revision}); "
        f"{len(restored.replayed)} erasures since it replayed"
    )
    return 0


def cli_replay(settings: Settings, args: argparse.Namespace) -> int:
    replayed = asyncio.run(_replay(settings, args.since - REPLAY_MARGIN))
    print(f"{len(replayed)} erasures replayed")
    return 0


def _restorer(settings: Settings) -> RestoreService:
    return RestoreService(backup_store(settings), cipher(settings), erasure_journal(settings))


async def _restore(settings: Settings, name: str | None) -> Restored:
    chosen = name or next(
        iter(reversed(await backup_service(settings, SystemClock()).names())), None
    )
    if chosen is None:
        raise BackupRefused("there is no finished backup to restore")
    async with _target(settings) as target:
        return await _restorer(settings).restore(chosen, target)


async def _replay(settings: Settings, since: datetime) -> list[ErasureRecord]:
    async with _target(settings) as target:
        return await _restorer(settings).replay(since, target)


@asynccontextmanager
async def _target(settings: Settings) -> AsyncIterator[Target]:
    """The database in DATABASE_URL and the file stores, for a restore or a replay."""
    from bot.container import file_stores
    from storage.db import create_engine, session_factory
    from storage.uow import SqlUnitOfWork

    clock, engine = SystemClock(), create_engine(settings.database_url)
    sessions = session_factory(engine)
    files, spool = file_stores(settings)
    try:
        yield Target(
            snapshots_for(settings.database_url),
            lambda: SqlUnitOfWork(sessions, clock),
            files,
            spool,
        )
    finally:
        await engine.dispose()
