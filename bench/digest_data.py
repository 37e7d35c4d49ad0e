"""A day of business for many organizations, loaded in bulk for the digest benchmark.

Each organization (Moscow time) has an owner, a worker and ten orders: three done and paid
today by three methods, one done but unpaid, two assigned for tomorrow, one unassigned, one
cancelled, and two done and paid the day before (the comparison period).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import insert

from storage import migrate
from storage.db import create_engine
from storage.tables import metadata

BATCH = 5000
OWNER_IDS, WORKER_IDS = 5_000_000_000, 6_000_000_000
METHODS = ("cash", "card", "transfer")


def _org(i: int, now: datetime) -> dict[str, Any]:
    return {
        "id": i, "name": f"Org {i}", "timezone": "Europe/Moscow", "currency": "RUB",
        "language": "ru", "country": "RU", "status": "active", "photos_required": 0,
        "next_order_number": 11, "created_at": now - timedelta(days=60), "updated_at": now,
    }  # fmt: skip


def _user(user_id: int, telegram_id: int, name: str, now: datetime) -> dict[str, Any]:
    joined = now - timedelta(days=60)
    return {
        "id": user_id, "telegram_id": telegram_id, "first_name": name, "language": "ru",
        "age_confirmed_at": joined, "consent_at": joined, "consent_version": "2025-01",
        "created_at": joined,
    }  # fmt: skip


def _member(i: int, user_id: int, role: str, now: datetime) -> dict[str, Any]:
    return {"organization_id": i, "user_id": user_id, "role": role, "active": True,
            "created_at": now - timedelta(days=60)}  # fmt: skip


def _orders(i: int, worker: int, now: datetime) -> Iterator[dict[str, Any]]:
    today, before = now - timedelta(hours=5), now - timedelta(hours=30)
    tomorrow = now + timedelta(hours=17)
    specs = [  # (status, assignee, created, scheduled, done_at, cancelled_at, price, paid)
        *[("done", worker, today, today, now - timedelta(hours=3), None, 350000, 350000)] * 3,
        ("done", worker, today, today, now - timedelta(hours=2), None, 200000, 0),
        *[("assigned", worker, today, tomorrow, None, None, 500000, 0)] * 2,
        ("new", None, today, tomorrow, None, None, 300000, 0),
        ("cancelled", None, today, tomorrow, None, now - timedelta(hours=1), 100000, 0),
        *[("done", worker, before, before, before + timedelta(hours=2), None, 400000, 400000)] * 2,
    ]
    for k, (status, assignee, created, at, done, cancelled, price, paid) in enumerate(specs):
        yield {
            "id": (i - 1) * 10 + k + 1, "organization_id": i, "number": k + 1, "status": status,
            "assignee_id": assignee, "created_at": created, "updated_at": created,
            "scheduled_at": at, "done_at": done, "cancelled_at": cancelled, "price_minor": price,
            "paid_minor": paid, "payment_method": METHODS[k % 3] if paid else None, "version": 1,
        }  # fmt: skip


def _payment(order: dict[str, Any], event_id: int) -> dict[str, Any]:
    return {
        "id": event_id, "organization_id": order["organization_id"], "order_id": order["id"],
        "kind": "pay", "created_at": order["done_at"] + timedelta(minutes=5),
        "data": {"amount_minor": order["paid_minor"], "method": order["payment_method"]},
    }  # fmt: skip


def _no_plans(user_id: int, now: datetime) -> dict[str, Any]:
    """Workers' morning plans off: the tick measured is the digests'."""
    return {
        "user_id": user_id, "digest": True, "digest_at": "20:00", "weekly": True, "plan": False,
        "plan_at": "08:00", "reminder": True, "reminder_minutes": 30, "overdue": True,
        "overdue_minutes": 15, "updated_at": now,
    }  # fmt: skip


def rows(orgs: int, now: datetime) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {
        "organization": [], "app_user": [], "membership": [], "work_order": [],
        "order_event": [], "notification_pref": [],
    }  # fmt: skip
    for i in range(1, orgs + 1):
        worker = orgs + i
        tables["organization"].append(_org(i, now))
        tables["app_user"] += [
            _user(i, OWNER_IDS + i, f"Owner {i}", now),
            _user(worker, WORKER_IDS + i, f"Worker {i}", now),
        ]
        tables["membership"] += [_member(i, i, "owner", now), _member(i, worker, "worker", now)]
        tables["notification_pref"].append(_no_plans(worker, now))
        tables["work_order"] += list(_orders(i, worker, now))
    paid = [o for o in tables["work_order"] if o["paid_minor"]]
    tables["order_event"] = [_payment(o, n) for n, o in enumerate(paid, start=1)]
    return tables


def _batches(items: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


async def load(url: str, orgs: int, now: datetime) -> dict[str, Any]:
    """Migrate, insert; the owners' Telegram ids (the digests' chats) and the seconds spent."""
    started = time.perf_counter()
    await asyncio.to_thread(migrate.upgrade, url)
    data = rows(orgs, now)
    engine = create_engine(url)
    try:
        for name, items in data.items():
            for batch in _batches(items):
                async with engine.begin() as connection:
                    await connection.execute(insert(metadata.tables[name]), batch)
    finally:
        await engine.dispose()
    counts = {name: len(items) for name, items in data.items()}
    return {
        "telegram_ids": [OWNER_IDS + i for i in range(1, orgs + 1)],
        "timing": {"seconds": round(time.perf_counter() - started, 2), "rows": counts},
    }
