"""The footprint benchmark's world: a seeded scratch database, traffic, the bot's RSS.

The database holds the bench's synthetic clients (bench.data, loaded in bulk by bench.db) and
the demo organization and team (storage.demo), which then takes over the largest synthetic
organization's clients, so searches run over 100,000 clients of the organization the team
works in, among 1,000,000 in the database. Traffic is what bench.updates sends: workers
open and tap their order cards, managers search clients, /today, /orders.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text

from bench import db as bench_db
from bench.data import clients
from bench.traffic import Action, more_workers, realistic
from storage import demo
from storage.db import create_engine, session_factory
from storage.tables import OrderRow, OrganizationRow

BIG_ORG_ID = 1


@dataclass
class World:
    """What the traffic needs to know about the seeded database."""

    orders: list[tuple[int, int]]  # (order id, order number)
    workers: list[int]  # Telegram ids
    demo_clients: int
    load: dict[str, float]


async def seed(url: str, size: int) -> World:
    """Load `size` synthetic clients, then the demo organization, team and 40 more workers."""
    population = list(clients(size))
    load = await bench_db.load(url, population)
    del population
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.begin() as connection:
                for table in ("organization", "client"):
                    await connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        await demo.seed(sessions, now)
        async with sessions() as session, session.begin():
            org_id = (
                await session.execute(
                    select(OrganizationRow.id).order_by(OrganizationRow.id.desc()).limit(1)
                )
            ).scalar_one()
            await session.execute(
                text("UPDATE client SET organization_id = :demo WHERE organization_id = :big"),
                {"demo": org_id, "big": BIG_ORG_ID},
            )
            workers = await more_workers(session, org_id, now)
            orders = (await session.execute(select(OrderRow.id, OrderRow.number))).all()
            count = await session.scalar(
                text("SELECT count(*) FROM client WHERE organization_id = :demo"), {"demo": org_id}
            )
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    pairs = [(int(i), int(n)) for i, n in orders]
    return World(pairs, workers, int(count or 0), load)


def traffic(world: World, seed: int = 7) -> Iterator[Action]:
    """What bench.updates sends, over this world's orders and workers."""
    return realistic(world.orders, world.workers, seed)
