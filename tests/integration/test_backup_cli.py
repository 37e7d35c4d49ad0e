"""`astracrm backup`, `backups` and `restore` from the command line (SQLite, in process), and
the daily job: queued once per day whoever asks, a backup when it runs, the next day queued."""

from __future__ import annotations

from datetime import timedelta

from pyrage import x25519

from bot.cli import main
from core.backup.service import BACKUP_JOB
from core.runtime.jobs import JobRunner
from storage import migrate
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from tests.backup_support import Keys, backups


def test_backup_then_restore_into_an_empty_database(tmp_path, monkeypatch, capsys):
    identity = x25519.Identity.generate()
    source = f"sqlite:///{tmp_path / 'crm.db'}"
    migrate.upgrade(source)
    for name, value in {
        "DATABASE_URL": source,
        "FILES_DIR": str(tmp_path / "files"),
        "BACKUP_KEY": str(identity),
        "TELEGRAM_BOT_TOKEN": "",
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["backup"]) == 0
    taken = capsys.readouterr().out
    assert taken.startswith("backup astracrm-") and str(identity) not in taken
    assert main(["backups"]) == 0
    name = capsys.readouterr().out.strip()
    assert (tmp_path / "backups" / f"{name}.age").is_file()  # next to FILES_DIR by default
    assert main(["restore"]) == 1  # the database is not empty
    assert "not empty" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    assert main(["restore", name]) == 0
    assert capsys.readouterr().out.startswith(f"restored {name}")
    assert main(["replay-erasures", "2026-01-01T00:00:00+00:00"]) == 0  # after a PITR
    assert capsys.readouterr().out == "0 erasures replayed\n"
    monkeypatch.setenv("BACKUP_KEY", str(x25519.Identity.generate()))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert main(["restore", name]) == 1
    assert "wrong key" in capsys.readouterr().err
    assert not (tmp_path / "other.db").exists() or (tmp_path / "other.db").stat().st_size == 0


async def test_the_daily_job_backs_up_and_queues_the_next_day(
    db_url, clock, uow_factory, tmp_path
):
    service = backups(db_url, tmp_path, clock, Keys())
    first = await service.schedule(uow_factory)
    assert await service.schedule(uow_factory) == first  # one job per day, whoever asks
    assert first == clock.now().replace(hour=2) + timedelta(days=1)
    clock.set(first)
    engine = create_engine(db_url)
    try:
        queue = SqlJobQueue(session_factory(engine))
        runner = JobRunner(
            queue, {BACKUP_JOB: lambda job: service.job(uow_factory, job)}, clock, "t"
        )
        assert await runner.run_once()
        assert not await runner.run_once()  # the next one waits for tomorrow
        assert await queue.next_due([BACKUP_JOB]) == first + timedelta(days=1)
    finally:
        await engine.dispose()
    assert len(await service.names()) == 1
