"""The two bots `bench cpu` compares, each on an emulator served from the emulator thread, with
the same HTTP client and the same rate limiter (bot/flood.py, its budget in this process; the
emulators enforce Telegram's limits). Ours is in bench/cpu_ours.py; the bare bot, here, answers
/help with a fixed HTML text and a tap the way a bot answers it at least: the query answered,
the tapped message edited.

`pushes(kind, count)` prepares what `kind` needs (ours opens the cards to tap) and returns the
updates to push, one function each, to be called on the emulator's thread.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any, Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from bench.bare import Probe, bare_app
from bench.emulator_thread import EmulatorThread
from bench.traffic import push_update
from bot.flood import FloodControl
from bot.telegram_request import HttpClient
from sandbox.emulator import TelegramEmulator

Kind = Literal["help", "tap"]
KINDS: tuple[Kind, ...] = ("help", "tap")
Push = Callable[[], int]  # called on the emulator's thread; the update id it queued

BARE_TOKEN = "42:BARE-BOT-TOKEN-abcdefghijklmnop"
BARE_HELP = "\n".join(
    ["<b>What I can do</b>"] + [f"/command{i} — what command {i} does" for i in range(12)]
)
BARE_CARD = "<b>Order №1</b>\nA client, an address, a time, a price"
BARE_KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("▶️ Start", callback_data="start")],
        [InlineKeyboardButton("…", callback_data="more")],
    ]
)


def command(emulator: TelegramEmulator, user_id: int, text: str) -> Push:
    return lambda: push_update(emulator, ("text", user_id, text))


def tap(emulator: TelegramEmulator, user_id: int, message_id: int, data: str) -> Push:
    def push() -> int:
        emulator.user(user_id, str(user_id)).forge_callback(message_id, data)
        return int(emulator.state.next_update_id) - 1

    return push


class BotUnderTest:
    name: str
    emulator: TelegramEmulator
    probe: Probe

    def __init__(self, thread: EmulatorThread, client: HttpClient, users: int) -> None:
        self.thread = thread
        self.client = client
        self.users = users

    async def pushes(self, kind: Kind, count: int) -> list[Push]:
        raise NotImplementedError

    async def handle(self, pushes: list[Push]) -> None:
        """Push them all at once and wait until every one is handled (set-up, not measured)."""
        self.probe.reset(len(pushes))
        for push in pushes:
            await self.thread.call(push)
        await asyncio.wait_for(self.probe.finished.wait(), 600)


class Bare(BotUnderTest):
    name = "bare"

    def __init__(self, thread: EmulatorThread, client: HttpClient, users: int) -> None:
        super().__init__(thread, client, users)
        self._turn = itertools.count()
        self._edits = itertools.count()
        self.people = [100 + i for i in range(users)]

    async def __aenter__(self) -> Bare:
        self.emulator = await self.thread.call(
            lambda: TelegramEmulator(BARE_TOKEN, bot_username="bare_bot", rate_limits=True)
        )
        server = await self.thread.serve(self.emulator)
        self.app = bare_app(self.emulator, server, self.client, FloodControl(None))
        self.app.add_handler(CommandHandler("help", self._help))
        self.app.add_handler(CommandHandler("card", self._card))
        self.app.add_handler(CallbackQueryHandler(self._tapped))
        self.probe = Probe(self.app)
        await self.app.initialize()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(poll_interval=0.0, timeout=1)
        await self.thread.call(self._meet)
        return self

    def _meet(self) -> None:
        for person in self.people:
            self.emulator.user(person, f"U{person}")

    async def __aexit__(self, *_exc: object) -> None:
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.app.stop()
        await self.app.shutdown()

    async def _help(self, update: Update, _context: Any) -> None:
        assert update.effective_chat is not None
        await update.effective_chat.send_message(BARE_HELP, parse_mode=ParseMode.HTML)

    async def _card(self, update: Update, _context: Any) -> None:
        assert update.effective_chat is not None
        await update.effective_chat.send_message(
            BARE_CARD, parse_mode=ParseMode.HTML, reply_markup=BARE_KEYBOARD
        )

    async def _tapped(self, update: Update, _context: Any) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Started")
        text = f"{BARE_CARD}\nStarted ({next(self._edits)})"
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=BARE_KEYBOARD)

    async def pushes(self, kind: Kind, count: int) -> list[Push]:
        people = [self.people[next(self._turn) % len(self.people)] for _ in range(count)]
        if kind == "help":
            return [command(self.emulator, person, "/help") for person in people]
        await self.handle([command(self.emulator, p, "/card") for p in set(people)])
        cards = await self.thread.call(
            lambda: {p: self.emulator.user(p, str(p)).last().message_id for p in set(people)}
        )
        return [tap(self.emulator, p, cards[p], "start") for p in people]
