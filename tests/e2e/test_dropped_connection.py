"""With no ping before each transaction, a database restart or failover (every pooled
connection dropped) costs one retry of the next update's first transaction, not the update."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import create_engine


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_an_update_after_every_connection_dropped_is_answered(crm, db_url, caplog):
    olga = crm.emulator.user(9951, "Ольга", language_code="ru")
    await olga.send("/help")
    assert "Что я умею" in (await olga.reply()).text  # the pool holds live connections now
    await crm.container.services.updates.flush()  # so the next update is first to use one
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        dropped = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        assert dropped.all(), "the bot had connections to drop"
    await admin.dispose()
    await olga.send("/help")
    assert "Что я умею" in (await olga.reply(timeout=10)).text
    assert "database connection dropped; retried" in caplog.text
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
async def test_the_own_bots_look_after_every_connection_dropped(crm, db_url, caplog):
    """The fleet's look at the own bots (after its listener reconnects, or every minute) meets
    a dropped pooled connection like any first statement: retried once, not skipped until
    the next look."""
    olga = crm.emulator.user(9952, "Ольга", language_code="ru")
    await olga.send("/help")
    assert "Что я умею" in (await olga.reply()).text  # the pool holds live connections now
    await crm.container.services.updates.flush()
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    await admin.dispose()
    assert crm.app is not None
    await crm.app.fleet._look()
    assert "own bots not looked at" not in caplog.text
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text
