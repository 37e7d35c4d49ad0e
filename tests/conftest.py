"""Shared fixtures: a migrated database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
import functools
import gettext
import os
import shutil
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from bench.travel import CLOCK_OFFSET_ENV
from core.clock import FixedClock
from handlers import i18n
from storage import migrate
from storage.db import create_engine, session_factory
from storage.tables import metadata
from storage.uow import SqlUnitOfWork
from tests.migrated import Upgrades

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _cached(read: Callable[..., gettext.NullTranslations]) -> Callable[..., Any]:
    """The catalogs parsed once per file version: reading the .po files costs most of a second,
    and every bot, admin app and renderer a test builds reads them (a changed file is read
    again; a translation object is never changed once built)."""

    @functools.cache
    def by_version(locale: str, directory: Path, _version: tuple[int, int]) -> Any:
        return read(locale, directory)

    def load(locale: str, directory: Path = i18n.LOCALES_DIR) -> Any:
        po = Path(directory) / locale / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        try:
            found = po.stat()
        except FileNotFoundError:
            return read(locale, directory)
        return by_version(locale, Path(directory), (found.st_mtime_ns, found.st_size))

    return load


i18n.load_catalog = _cached(i18n.load_catalog)


class _CompiledOnce(dict):  # type: ignore[type-arg]
    """SQLAlchemy's compiled statements shared by every engine a test process makes.

    An engine keeps the statements it compiled (keyed by its own dialect object), and a
    process of the product makes one engine; a test process makes one or more per test, and
    compiled every statement again for each (about a tenth of an end-to-end test's CPU). The
    key names the dialect by what the SQL depends on (its class and the server's version), so
    engines of one kind share what they compiled."""

    @staticmethod
    def _shared(key: Any) -> Any:
        dialect = key[0]
        return (type(dialect), dialect.server_version_info, dialect.paramstyle, *key[1:])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._shared(key), default)

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._shared(key), value)


def _sharing_compiled(init: Callable[..., None]) -> Callable[..., None]:
    shared = _CompiledOnce()

    @functools.wraps(init)
    def made(engine: Engine, *args: Any, **kwargs: Any) -> None:
        init(engine, *args, **kwargs)
        if engine._compiled_cache is not None:
            engine._compiled_cache = shared

    return made


Engine.__init__ = _sharing_compiled(Engine.__init__)  # type: ignore[method-assign]

# Each test database migrated once per process, not once per use (tests/migrated.py).
UPGRADES = Upgrades(migrate.upgrade)
migrate.upgrade = UPGRADES

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
        # The product processes a test starts move their clocks as far (bench/travel.py).
        real = time_machine.escape_hatch.time.time()
        os.environ[CLOCK_OFFSET_ENV] = repr(time.time() - real)


def pytest_unconfigure(config: pytest.Config) -> None:
    travel = config.stash.get(_TRAVEL, None)
    if travel is not None:
        travel.stop()
        os.environ.pop(CLOCK_OFFSET_ENV, None)


# The longest tests first (each worker takes a couple of tests at a time, see pyproject's
# --maxschedchunk): both workers then end together on short tests, instead of one running a
# minute-long test alone at the end. Order only, never which tests run; the tests do not
# depend on it.
LONGEST_FIRST = (
    "tests/e2e/test_kill_many.py",
    "tests/test_any_hour.py",
    "tests/integration/test_bench_",
    "tests/e2e/",
    "tests/browser/",
)


def _rank(item: pytest.Item) -> int:
    path = item.nodeid
    return next((i for i, p in enumerate(LONGEST_FIRST) if path.startswith(p)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rank)


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def sqlite_template() -> str:
    return str(UPGRADES.template())


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


# Emptying the database between tests in one round trip: DELETE, children before parents,
# costs a few milliseconds where TRUNCATE of every table costs a second and more (it replaces
# each table's files). A table the test grew past a few pages, or one it had ANALYZE count, is
# truncated instead, as before: the planner then sees an empty table again whatever the
# previous test left (the CI server runs without autovacuum). Every sequence restarts, as
# TRUNCATE ... RESTART IDENTITY did.
_TRUNCATE_ABOVE = 64 * 1024
_EMPTY = """
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY[{tables}]::text[] LOOP
        IF pg_relation_size(quote_ident(name)::regclass) > {above}
            OR (SELECT reltuples FROM pg_class WHERE oid = quote_ident(name)::regclass) > 0
        THEN
            EXECUTE format('TRUNCATE %I RESTART IDENTITY CASCADE', name);
        ELSE
            EXECUTE format('DELETE FROM %I', name);
        END IF;
    END LOOP;
    FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP
        EXECUTE format('ALTER SEQUENCE %I RESTART', name);
    END LOOP;
END $$
"""


async def _truncate(url: str) -> None:
    """Every row of every table gone, every sequence back at its start."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        found = await connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        present = {row[0] for row in found}
        order = [t.name for t in reversed(metadata.sorted_tables) if t.name in present]
        tables = ", ".join(f"'{name}'" for name in order)
        await connection.execute(text(_EMPTY.format(tables=tables, above=_TRUNCATE_ABOVE)))
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
