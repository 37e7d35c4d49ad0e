"""Backups on SQLite and PostgreSQL: the restore drill (seed data and files, back up, lose the
database, restore into an empty one, every row of every table back), the erasure journal
replayed on restore (a client erased after the backup stays erased, rows, search and files),
and refusals that write nothing (a damaged backup, a wrong key, a database not empty, a schema
revision this code does not know); a person and an organization deleted after the backup
stay deleted too; a snapshot taken while the bot writes holds whole transactions."""

import asyncio
import json
import os

import pytest

from core.backup.model import MANIFEST, SEALED, BackupRefused, Erasure
from core.domain import Role
from storage.backup.snapshots import snapshots_for
from storage.db import is_sqlite
from tests.backup_support import (
    Keys,
    backups,
    emptied,
    every_row,
    restorer,
    scratch_database,
    target,
)
from tests.privacy_support import open_world, seed_client
from tests.support import onboard, owner_with_org, profile

PG_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
async def w(db_url, clock, tmp_path):
    async with open_world(db_url, clock, tmp_path / "files") as opened:
        yield opened


@pytest.fixture
def keys():
    return Keys()


@pytest.fixture(scope="session")
def pg_scratch():
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    with scratch_database(PG_URL) as url:
        yield url


@pytest.fixture
async def fresh(db_url, tmp_path, request):
    """An empty database on the test's backend to restore into."""
    if is_sqlite(db_url):
        return f"sqlite:///{tmp_path / 'restored.db'}"
    return await emptied(request.getfixturevalue("pg_scratch"))


async def test_restore_drill_brings_back_every_row(w, db_url, fresh, clock, tmp_path, keys):
    owner = await owner_with_org(w.services)
    first = await seed_client(w, owner, clock, tag="Первая", phone="+79161110000")
    await seed_client(w, owner, clock, tag="Вторая", phone="+79162220000")
    await w.run_jobs()  # the uploads: the files are in object storage
    files = await w.objects.keys("org/")
    assert files
    before = await every_row(db_url)
    assert before["client"] and before["attachment"] and before["alembic_version"]
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    assert manifest.revision == before["alembic_version"][0][0]
    sealed = (tmp_path / "backups" / (manifest.name + SEALED)).read_bytes()
    assert first.values[0].encode() not in sealed  # encrypted at rest
    async with target(fresh, clock, w.files_dir) as t:
        restored = await restorer(tmp_path, keys.secret).restore(manifest.name, t)
        assert restored.replayed == []
        assert await every_row(fresh) == before
    assert await w.objects.keys("org/") == files  # the files were never in the backup


async def test_a_client_erased_after_the_backup_stays_erased(
    w, db_url, fresh, clock, tmp_path, keys
):
    owner = await owner_with_org(w.services)
    gone = await seed_client(w, owner, clock, tag="Стираемая", phone="+79165551234")
    kept = await seed_client(w, owner, clock, tag="Остаётся", phone="+79167770000")
    await w.run_jobs()
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    clock.advance(hours=5)
    await w.services.erasure.erase_client(owner, gone.client.id)
    await w.run_jobs()  # the files go
    org = owner.organization.id
    assert await w.keys(f"org/{org}/order/{gone.order.id}/") == []
    async with target(fresh, clock, w.files_dir) as t:
        restored = await restorer(tmp_path, keys.secret).restore(manifest.name, t)
    assert [r.subject_id for r in restored.replayed] == [gone.client.id]
    async with open_world(fresh, clock, w.files_dir) as back:
        assert await back.scan(gone.values) == []
        assert set(await back.scan(kept.values)) >= {"client.name"}
        assert (await back.services.clients.find(owner, "Стираемая")).items == ()
        assert (await back.services.clients.find(owner, "Остаётся")).items
        assert await back.keys(f"org/{org}/order/{gone.order.id}/") == []
        assert await back.keys(f"org/{org}/order/{kept.order.id}/")


async def test_a_damaged_or_wrongly_keyed_backup_writes_nothing(
    w, db_url, fresh, clock, tmp_path, keys
):
    await owner_with_org(w.services)
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    sealed = tmp_path / "backups" / (manifest.name + SEALED)
    async with target(fresh, clock, w.files_dir) as t:
        with pytest.raises(BackupRefused, match="wrong key"):
            await restorer(tmp_path, Keys().secret).restore(manifest.name, t)
        assert await snapshots_for(fresh).is_empty()
        good = sealed.read_bytes()
        sealed.write_bytes(good[:-40] + bytes(b ^ 0xFF for b in good[-40:]))
        with pytest.raises(BackupRefused, match="damaged"):
            await restorer(tmp_path, keys.secret).restore(manifest.name, t)
        assert await snapshots_for(fresh).is_empty()
        sealed.write_bytes(good)
        described = tmp_path / "backups" / (manifest.name + MANIFEST)
        data = json.loads(described.read_text())
        described.write_text(json.dumps(data | {"revision": "9999_from_the_future"}))
        with pytest.raises(BackupRefused, match="does not know"):
            await restorer(tmp_path, keys.secret).restore(manifest.name, t)
        assert await snapshots_for(fresh).is_empty()


async def test_a_database_that_is_not_empty_is_refused(w, db_url, clock, tmp_path, keys):
    await owner_with_org(w.services)
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    before = await every_row(db_url)
    async with target(db_url, clock, w.files_dir) as t:
        with pytest.raises(BackupRefused, match="not empty"):
            await restorer(tmp_path, keys.secret).restore(manifest.name, t)
    assert await every_row(db_url) == before


async def test_a_snapshot_is_consistent_while_the_bot_writes(
    w, db_url, fresh, clock, tmp_path, keys
):
    """Clients are created one transaction at a time while the snapshot is taken: it holds
    whole transactions (each client with its phone), never half of one."""
    owner = await owner_with_org(w.services)
    started, stop = asyncio.Event(), asyncio.Event()

    async def write() -> int:
        made = 0
        while not stop.is_set():
            made += 1
            phone = f"+7916{made:07d}"
            await w.services.clients.create(owner, f"Клиент {made}", phone, None, None)
            if made == 3:
                started.set()
            await asyncio.sleep(0)  # SQLite's driver runs inline: let the snapshot's task run
        return made

    writing = asyncio.create_task(write())
    await started.wait()
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    stop.set()
    made = await writing
    async with target(fresh, clock, w.files_dir) as t:
        await restorer(tmp_path, keys.secret).restore(manifest.name, t)
    rows = await every_row(fresh)
    assert 3 <= len(rows["client"]) <= made
    assert len(rows["client_phone"]) == len(rows["client"])  # whole transactions only


async def test_a_person_and_an_organization_deleted_after_the_backup_stay_deleted(
    w, db_url, fresh, clock, tmp_path, keys
):
    owner = await owner_with_org(w.services)
    org = owner.organization.id
    seeded = await seed_client(w, owner, clock)
    token = (await w.services.invites.create(owner, Role.WORKER)).token
    person = profile("Евлампий")
    await w.services.invites.accept(await onboard(w.services, person), token)
    worker = await w.services.users.identify(person)
    await w.run_jobs()
    manifest = await backups(db_url, tmp_path, clock, keys).take()
    clock.advance(hours=1)
    await w.services.erasure.delete_account(worker)
    await w.services.erasure.delete_org(owner)
    clock.advance(days=31)
    await w.run_jobs()  # the purge at the end of the grace period
    async with target(fresh, clock, w.files_dir) as t:
        restored = await restorer(tmp_path, keys.secret).restore(manifest.name, t)
    assert [(r.kind, r.subject_id) for r in restored.replayed] == [
        (Erasure.USER, worker.user.id),
        (Erasure.ORGANIZATION, org),
    ]
    async with open_world(fresh, clock, w.files_dir) as back:
        gone = [*seeded.values, "Чистый дом", "Евлампий", worker.user.telegram_id]
        assert await back.scan(gone) == []
        assert await back.keys(f"org/{org}/") == []
