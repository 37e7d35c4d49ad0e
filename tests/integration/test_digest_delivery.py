"""Delivery of scheduled messages against the emulator's flood limits: a 429 is waited out for
its retry_after and the message still arrives; a blocked bot marks the person unreachable."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from core.domain import Job, TelegramProfile
from handlers.i18n import Catalogs
from handlers.notifications.digests import notification_jobs, send
from sandbox.emulator import EmulatorServer, RateLimits, TelegramEmulator
from tests.support import services_for

TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
async def server():
    emulator = TelegramEmulator(TOKEN, rate_limits=True, limits=RateLimits(per_chat=1, burst=1))
    async with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
async def bot(server):
    bot = Bot(TOKEN, base_url=server.api_base_url, base_file_url=server.file_base_url)
    await bot.initialize()
    yield bot
    await bot.shutdown()


@pytest.fixture
def services(uow_factory, clock):
    return services_for(uow_factory, clock)


async def test_a_429_is_waited_out_and_the_message_arrives(server, bot, services):
    chat = server.emulator.user(501, "Olga")
    await send(bot, services, chat.id, "first", None)
    await send(bot, services, chat.id, "second", None)  # within a second: 429, wait, again
    assert server.emulator.stats.refused_429 == 1
    assert [m.text for m in chat.messages()] == ["first", "second"]


async def test_flood_control_that_outlasts_the_tries_fails_the_job_for_a_retry(
    server, bot, services
):
    chat = server.emulator.user(502, "Olga")
    await send(bot, services, chat.id, "first", None)
    with pytest.raises(RetryAfter):
        await send(bot, services, chat.id, "second", None, tries=1)
    assert [m.text for m in chat.messages()] == ["first"]


async def test_a_blocked_bot_marks_the_person_unreachable_and_completes(server, bot, services):
    person = server.emulator.user(503, "Olga", language_code="en")
    actor = await services.users.identify(TelegramProfile(503, "Olga", language_code="en"))
    await person.block()
    handlers = notification_jobs(bot, services, Catalogs())
    payload = {
        "user_id": actor.user.id,
        "chat_id": 503,
        "zone": "Europe/Moscow",
        "item": {
            "order_id": 1, "organization_id": 1, "number": 4, "status": "assigned",
            "scheduled_at": "2026-11-27T07:00:00+00:00", "assignee_id": actor.user.id,
            "assignee": "Olga", "client": None, "category": None, "address": None,
            "latitude": None, "longitude": None,
        },
    }  # fmt: skip
    await handlers["reminder"](Job(1, "reminder", payload, 1))
    user = await services.users.get(actor.user.id)
    assert user is not None and user.unreachable_at is not None
    assert person.messages() == []
