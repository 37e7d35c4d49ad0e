"""The footprint benchmark's world: a seeded scratch database, traffic, the bot's RSS.

The database holds the bench's synthetic clients (bench.data, loaded in bulk by bench.db) and
the demo organization and team (storage.demo), which then takes over the largest synthetic
organization's clients, so searches run over 100,000 clients of the organization the team
works in, among 1,000,000 in the database. Traffic is what bench.updates sends: workers
open and tap their order cards, managers search clients, /today, /orders.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text, update

from bench import db as bench_db
from bench.data import clients
from sandbox.emulator import TelegramEmulator
from storage import demo
from storage.db import create_engine, session_factory
from storage.tables import MembershipRow, OrderRow, OrganizationRow, UserRow

WORKERS = 40
BIG_ORG_ID = 1
FRAGMENTS = ("Иван", "Смирн", "916", "Петр", "Васил", "99", "Kuz", "ова")

Action = tuple[str, int, str]


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
            workers = await _more_workers(session, org_id, now)
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


async def _more_workers(session: Any, org_id: int, now: datetime) -> list[int]:
    """A team the size of a real one (as bench.updates): each worker with orders of their own."""
    ids = [800_000_000 + i for i in range(WORKERS)]
    user_ids = []
    for telegram_id in ids:
        user = UserRow(
            telegram_id=telegram_id,
            first_name=f"W{telegram_id}",
            language="ru",
            active_org_id=org_id,
            age_confirmed_at=now,
            consent_at=now,
            consent_version="bench",
            created_at=now,
        )
        session.add(user)
        await session.flush()
        user_ids.append(user.id)
        session.add(
            MembershipRow(organization_id=org_id, user_id=user.id, role="worker", created_at=now)
        )
    orders = (await session.execute(select(OrderRow.id))).scalars().all()
    for index, order_id in enumerate(orders):
        values = {"assignee_id": user_ids[index % len(user_ids)], "status": "assigned"}
        await session.execute(update(OrderRow).where(OrderRow.id == order_id).values(**values))
    return ids


def meet(emulator: TelegramEmulator, world: World) -> None:
    """Every person who will write to the bot has a private chat with it."""
    for person in demo.TEAM:
        emulator.user(person.telegram_id, person.first_name, language_code=person.language)
    for telegram_id in world.workers:
        emulator.user(telegram_id, f"W{telegram_id}", language_code="ru")


def traffic(world: World, seed: int = 7) -> Iterator[Action]:
    """Workers open their cards and tap Start / Done; managers search and list; /today."""
    rng = random.Random(seed)
    manager, owner = demo.TEAM[1].telegram_id, demo.TEAM[0].telegram_id

    def one() -> Action:
        pick = rng.random()
        worker = rng.choice(world.workers)
        if pick < 0.35:
            return ("text", worker, f"/order {rng.choice(world.orders)[1]}")
        if pick < 0.55:
            order_id = rng.choice(world.orders)[0]
            return ("tap", worker, f"oa:{order_id}:{rng.choice(['start', 'done'])}")
        if pick < 0.8:
            return ("text", manager, f"/client {rng.choice(FRAGMENTS)}")
        if pick < 0.9:
            return ("text", worker, "/today")
        return ("text", owner, "/orders")

    return (one() for _ in itertools.count())


def push(emulator: TelegramEmulator, action: Action) -> int:
    """Queue one update as the user would cause it; its update id."""
    kind, user_id, payload = action
    driver = emulator.user(user_id, str(user_id))
    if kind == "tap":
        last = next((m for m in reversed(driver.messages())), None)
        if last is not None:
            driver.forge_callback(last.message_id, payload)
            return emulator.state.next_update_id - 1
        payload = "/today"
    message: dict[str, Any] = {"text": payload}
    if payload.startswith("/"):
        length = len(payload.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    stored = emulator.state.add_message(driver.chat, message, from_bot=False)
    return int(emulator.state.push_update("message", dict(stored.message))["update_id"])
