"""CI check: `alembic upgrade head` on an empty database, then `alembic check`, on SQLite and
(when TEST_DATABASE_URL is set) on a scratch PostgreSQL database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage.db import create_engine


def alembic(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "alembic", *args], check=True, env=env)


async def admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


def check(url: str, label: str) -> None:
    alembic(url, "upgrade", "head")
    alembic(url, "check")
    print(f"migrations: upgrade head + check passed on {label}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        check(f"sqlite:///{folder}/empty.db", "SQLite")
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        print("migrations: TEST_DATABASE_URL not set, PostgreSQL skipped")
        return
    name = f"astracrm_migrations_{uuid.uuid4().hex[:8]}"
    scratch = make_url(server).set(database=name).render_as_string(hide_password=False)
    asyncio.run(admin(server, f'CREATE DATABASE "{name}"'))
    try:
        check(scratch, "PostgreSQL")
    finally:
        asyncio.run(admin(server, f'DROP DATABASE IF EXISTS "{name}"'))


if __name__ == "__main__":
    main()
