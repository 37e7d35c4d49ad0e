"""A policy notice is a broadcast (docs/rate-limits.md): it goes in the broadcast lane of the
bot's rate limiter, so a reply to somebody who is waiting goes before notices queued ahead
of it."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest

from bot.metrics import Metrics
from bot.settings import Settings
from bot.telegram_bot import build_bot
from core.clock import FixedClock
from core.domain import Job
from core.privacy.policy_service import NOTICE_JOB
from handlers.client_loop.client_bot import SharedOnly
from handlers.i18n import Catalogs
from handlers.privacy.policy import policy_jobs
from sandbox.emulator import EmulatorServer, TelegramEmulator
from tests.policy_support import NEXT, policy_services

TOKEN = "123456:TEST-TOKEN"
NOTICES = 45  # past the bot-wide 30 a second: the last ones wait for the next window


@pytest.fixture
async def server():
    async with EmulatorServer(TelegramEmulator(TOKEN, rate_limits=True)) as running:
        yield running


def _unused_uow():  # the notices read nothing from the database
    raise AssertionError("no unit of work expected")


async def test_notices_are_broadcasts_and_a_reply_goes_before_them(server):
    for chat in range(700, 701 + NOTICES):
        server.emulator.user(chat, "Olga")
    metrics = Metrics()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    bot = build_bot(
        settings, TOKEN, 4, True, server.api_base_url, server.file_base_url, metrics=metrics
    )
    services = policy_services(_unused_uow, FixedClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))
    deliver = policy_jobs(SharedOnly(bot), services, Catalogs(), "https://example.com/privacy")[
        NOTICE_JOB
    ]
    finished: list[str] = []

    async def notice(chat: int) -> None:
        payload = {"version": NEXT, "user_id": chat, "chat_id": chat, "language": "en"}
        await deliver(Job(chat, NOTICE_JOB, payload, 1))
        finished.append(f"notice {chat}")

    async def answer() -> None:
        await asyncio.sleep(0.05)  # the notices are queued by then
        started = time.monotonic()
        await bot.send_message(700 + NOTICES, "a reply")
        finished.append(f"reply after {time.monotonic() - started:.2f}s")

    await bot.initialize()
    try:
        await asyncio.gather(*(notice(700 + i) for i in range(NOTICES)), answer())
    finally:
        await bot.shutdown()
    reply = next(i for i, what in enumerate(finished) if what.startswith("reply"))
    # At most the first window's 30 turns were granted before it came; every notice still
    # queued then went after it.
    assert reply <= 30 and len(finished) - reply - 1 >= NOTICES - 30, finished
    sample = metrics.registry.get_sample_value
    assert sample("astracrm_messages_sent_total", {"lane": "broadcast"}) == NOTICES
    assert sample("astracrm_messages_sent_total", {"lane": "interactive"}) == 1.0
