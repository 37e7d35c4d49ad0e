"""Delivery of scheduled messages against the emulator's flood limits: a 429 is waited out for
its retry_after and the message still arrives; a blocked bot marks the person unreachable."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from core.domain import Job, TelegramProfile
from handlers.client_loop.client_bot import SharedOnly
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
    await send(SharedOnly(bot), services, chat.id, "first", None)
    await send(SharedOnly(bot), services, chat.id, "second", None)  # within a second: 429
    assert server.emulator.stats.refused_429 == 1
    assert [m.text for m in chat.messages()] == ["first", "second"]


async def test_flood_control_that_outlasts_the_tries_fails_the_job_for_a_retry(
    server, bot, services
):
    chat = server.emulator.user(502, "Olga")
    await send(SharedOnly(bot), services, chat.id, "first", None)
    with pytest.raises(RetryAfter):
        await send(SharedOnly(bot), services, chat.id, "second", None, tries=1)
    assert [m.text for m in chat.messages()] == ["first"]


async def test_a_blocked_bot_marks_the_person_unreachable_and_completes(server, bot, services):
    person = server.emulator.user(503, "Olga", language_code="en")
    actor = await services.users.identify(TelegramProfile(503, "Olga", language_code="en"))
    await person.block()
    handlers = notification_jobs(SharedOnly(bot), services, Catalogs())
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


class _OwnBotStaff(SharedOnly):
    """A staff member working in own bot number 7 (bot/routes.py decides this for real)."""

    def __init__(self, shared: Bot, own: Bot) -> None:
        super().__init__(shared)
        self.own, self.forgotten = own, []

    async def staff_bot(self, chat_id: int) -> tuple[int, Bot]:
        return (7, self.own) if (7, chat_id) not in self.forgotten else (0, self.shared)

    async def any_bot(self, chat_id: int) -> tuple[int, Bot]:
        return await self.staff_bot(chat_id)  # the client wrote to own bot 7

    async def blocked(self, number: int, chat_id: int) -> None:
        self.forgotten.append((number, chat_id))


async def test_a_staff_member_working_in_an_own_bot_gets_it_there_and_blocked_the_shared_one(
    server, bot, services
):
    own_token = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
    own_emulator = server.add_bot(TelegramEmulator(own_token))
    own = Bot(own_token, base_url=server.api_base_url, base_file_url=server.file_base_url)
    await own.initialize()
    bots = _OwnBotStaff(bot, own)
    in_own, in_shared = own_emulator.user(503, "Olga"), server.emulator.user(503, "Olga")
    await send(bots, services, 503, "digest one", None)
    assert [m.text for m in in_own.messages()] == ["digest one"] and not in_shared.messages()
    await in_own.block()
    await send(bots, services, 503, "digest two", None)  # refused by the own bot: shared
    await send(bots, services, 503, "digest three", None)
    assert [m.text for m in in_shared.messages()] == ["digest two", "digest three"]
    assert bots.forgotten == [(7, 503)]
    client = own_emulator.user(504, "Klara")  # wrote to the own bot only
    await send(bots, services, 504, "policy changed", None, staff=False)
    assert [m.text for m in client.messages()] == ["policy changed"]
    await own.shutdown()
