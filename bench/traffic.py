"""Realistic traffic for the benchmarks that drive the bot through the emulator (updates,
footprint): the demo team plus 40 workers with orders of their own, who open their cards and
tap Start / Done, while managers search clients and everyone lists."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from sandbox.emulator import TelegramEmulator
from storage import demo
from storage.tables import MembershipRow, OrderRow, UserRow

WORKERS = 40
FRAGMENTS = ("Иван", "Смирн", "916", "Петр", "Васил", "99")

Action = tuple[str, int, str]  # ("text" | "tap", Telegram id, text or callback data)


async def more_workers(
    session: Any, org_id: int, now: datetime, count: int = WORKERS
) -> list[int]:
    """A team the size of a real one: `count` more workers, each assigned a share of the
    orders; their Telegram ids."""
    ids = [800_000_000 + i for i in range(count)]
    user_ids = []
    for telegram_id in ids:
        user = UserRow(
            telegram_id=telegram_id,
            first_name=f"W{telegram_id}",
            language="ru",
            telegram_language="ru",  # as `meet` introduces them: nothing to refresh on arrival
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


def meet(emulator: TelegramEmulator, workers: list[int]) -> None:
    """Every person who will write to the bot has a private chat with it."""
    for person in demo.TEAM:
        emulator.user(person.telegram_id, person.first_name, language_code=person.language)
    for telegram_id in workers:
        emulator.user(telegram_id, f"W{telegram_id}", language_code="ru")


def realistic(
    orders: list[tuple[int, int]], workers: list[int], seed: int = 7
) -> Iterator[Action]:
    """Workers open their cards (`orders`: id, number) and tap Start / Done; managers search
    and list; /today."""
    rng = random.Random(seed)
    manager, owner = demo.TEAM[1].telegram_id, demo.TEAM[0].telegram_id

    def one() -> Action:
        pick = rng.random()
        worker = rng.choice(workers)
        if pick < 0.35:
            return ("text", worker, f"/order {rng.choice(orders)[1]}")
        if pick < 0.55:
            order_id = rng.choice(orders)[0]
            return ("tap", worker, f"oa:{order_id}:{rng.choice(['start', 'done'])}")
        if pick < 0.8:
            return ("text", manager, f"/client {rng.choice(FRAGMENTS)}")
        if pick < 0.9:
            return ("text", worker, "/today")
        return ("text", owner, "/orders")

    return (one() for _ in itertools.count())


def push_update(emulator: TelegramEmulator, action: Action) -> int:
    """Queue one update as the user would cause it (a tap on their last message, or a text;
    /today when there is nothing to tap yet); its update id."""
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
