"""Shared fixtures: a migrated database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from core.clock import FixedClock
from storage import migrate
from storage.db import create_engine, session_factory
from storage.tables import metadata
from storage.uow import SqlUnitOfWork

PG_URL = os.environ.get("TEST_DATABASE_URL")
_TRAVEL = pytest.StashKey[Any]()

# Property tests draw the same examples on every run and every machine: a suite that fails on
# one run and passes on the next depends on chance, which is as bad as depending on the hour.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.load_profile("repeatable")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--wall-clock",
        metavar="ISO",
        help="run the session with this process's clock moved to the given instant (it then "
        "ticks): the suite must pass whatever the machine's clock says",
    )


def pytest_configure(config: pytest.Config) -> None:
    moment = config.getoption("--wall-clock")
    if moment:
        import time_machine

        config.stash[_TRAVEL] = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        config.stash[_TRAVEL].start()


def pytest_unconfigure(config: pytest.Config) -> None:
    travel = config.stash.get(_TRAVEL, None)
    if travel is not None:
        travel.stop()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return str(path)


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


def _in_thread(coroutine) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def pg_migrated():
    """A scratch database of its own on the server in TEST_DATABASE_URL, so parallel test
    runs never step on each other; dropped at the end."""
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    name = f"astracrm_test_{uuid.uuid4().hex[:10]}"
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _in_thread(_admin(PG_URL, f'CREATE DATABASE "{name}"'))
    try:
        migrate.upgrade(url)
        yield url
    finally:
        _in_thread(_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        found = await connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        present = {row[0] for row in found}
        names = ", ".join(t.name for t in metadata.sorted_tables if t.name in present)
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def db_url(request, tmp_path) -> str:
    """A freshly migrated, empty database for this test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "crm.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_migrated")
    await _truncate(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
async def uow_factory(db_url, clock):
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    yield lambda: SqlUnitOfWork(sessions, clock)
    await engine.dispose()


# python-telegram-bot 22 warns unless durations are timedelta objects; opt in, as the bot does.
os.environ.setdefault("PTB_TIMEDELTA", "true")
