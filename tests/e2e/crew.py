"""People working through orders while the bot is killed (tests/e2e/test_kill_many.py).

Each action waits for its reaction, read in the actor's own chat (a new message matching what
the action calls for, or a message edited to show the change), whatever else arrives
meanwhile: notices, scheduled messages, repeats of a message in flight at a kill. Each action
also counts the new messages it calls for, in the actor's chat and in others', so the test can
tell every chat's repeats from its losses. An action whose reaction never comes is recorded as
unanswered and ends that person's work.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sandbox.emulator import BotMessage, UserDriver
from sandbox.emulator.state import EmulatorState

Wanted = Callable[[BotMessage], bool]
REACTION_SECONDS = 200.0  # restarts (up to 5 s each at load 6) and a chat's 1 message a second

CREATORS = ("Ольга", "Мария", "Нина")  # the owner and two managers, all in Russian
WORKERS = {"Ivan": "en", "Пётр": "ru", "Wang": "en", "Сергей": "ru"}
LABELS = {
    "en": {"start": "▶️ Start", "done": "✅ Done", "take": "🙋 Take", "cash": "Cash"},
    "ru": {"start": "▶️ Начать", "done": "✅ Готово", "take": "🙋 Взять", "cash": "Наличные"},
}
CREATOR_ACTIONS = 11  # /neworder, 7 answers, create, assign, whom
WORKER_ACTIONS = 6  # start, photo, done, payment, amount, method (+ take for an offer)


class Unanswered(Exception):
    """An action's reaction never came."""


@dataclass(frozen=True)
class Order:
    """One order of the kill phase: who creates it, how it reaches whom, what is paid."""

    k: int
    creator: str
    worker: str
    offer: bool
    price: int | None  # roubles, or none given
    paid: int

    @property
    def client(self) -> str:
        return f"Клиент {self.k:02d}"

    @property
    def phone(self) -> str:
        return f"+7 916 700 {self.k // 100:02d} {self.k % 100:02d}"

    @property
    def address(self) -> str:
        return f"Москва, Садовая, {self.k}"

    @property
    def version(self) -> int:
        """Its version when paid: assign (or offer and take), start, done, payment."""
        return 5 if self.offer else 4

    @property
    def events(self) -> list[str]:
        given = ["offer", "take"] if self.offer else ["assign"]
        return ["created", *given, "start", "file", "done", "pay"]


def plan(seed: int, per_creator: int) -> list[Order]:
    """Orders spread over the creators, each to a worker, at least one offered to all."""
    rng = random.Random(seed)
    orders = []
    for k in range(1, per_creator * len(CREATORS) + 1):
        price = rng.choice([None, 2500, 4000])
        orders.append(
            Order(
                k=k,
                creator=CREATORS[(k - 1) % len(CREATORS)],
                worker=rng.choice(list(WORKERS)),
                offer=k == 2 or rng.random() < 0.3,
                price=price,
                paid=price or rng.choice([1500, 3000]),
            )
        )
    return orders


def planned_actions(orders: list[Order]) -> int:
    return sum(CREATOR_ACTIONS + WORKER_ACTIONS + o.offer for o in orders)


@dataclass
class Tally:
    """What the actions did and expect: the count so far, new messages owed per chat, and
    the actions whose reaction never came. A kill point due after `hold_at` actions holds
    everyone's next action until it is armed, so kills strike at the same counts of actions
    however fast the machine restarts the bot."""

    actions: int = 0
    owed: Counter[int] = field(default_factory=Counter)
    unanswered: list[str] = field(default_factory=list)
    hold_at: int | None = None
    pushed: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # chat, since, owed
    _progress: asyncio.Event = field(default_factory=asyncio.Event)
    _opened: asyncio.Event = field(default_factory=asyncio.Event)

    async def turn(self) -> None:
        """Before an action: wait while a kill point is due and not armed yet."""
        while self.hold_at is not None and self.actions >= self.hold_at:
            await self._opened.wait()

    def hold(self, at: int | None) -> None:
        self.hold_at = at
        self._opened = asyncio.Event()

    def open(self) -> None:
        self.hold_at = None
        self._opened.set()

    def acted(self, update_id: int, chat: int, since: int, new: int) -> None:
        self.actions += 1
        self.pushed[update_id] = (chat, since, new)
        self._progress.set()
        self._progress = asyncio.Event()

    def may_repeat(self, update_id: int, state: EmulatorState) -> int:
        """How many answers an update applied again may repeat: those it owes that the chat
        has received since it was sent (none unless it was answered without a change)."""
        if update_id not in self.pushed:
            return 1
        chat, since, new = self.pushed[update_id]
        answered = [m for m in state.chats[chat].messages.values() if m.from_bot]
        return min(new, sum(m.message_id > since for m in answered))

    async def reached(self, actions: int, done: asyncio.Event) -> bool:
        """Until `actions` were taken (True), or everyone finished first (False)."""
        while self.actions < actions:
            if done.is_set():
                return False
            waiting = asyncio.ensure_future(self._progress.wait())
            finished = asyncio.ensure_future(done.wait())
            await asyncio.wait([waiting, finished], return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            finished.cancel()
        return True


class Person:
    """A user driven through the emulator, reading their chat by predicates."""

    def __init__(self, driver: UserDriver, name: str, tally: Tally, language: str = "ru") -> None:
        self.driver, self.name, self.tally, self.language = driver, name, tally, language

    @property
    def chat(self) -> int:
        return self.driver.id

    def label(self, what: str) -> str:
        return LABELS[self.language][what]

    def _last_id(self) -> int:
        return max((m.message_id for m in self.driver.messages()), default=0)

    def _find(self, since: int, wanted: Wanted) -> BotMessage | None:
        for message in self.driver.messages():
            if message.message_id > since and not message.deleted and wanted(message):
                return message
        return None

    async def expect(self, since: int, wanted: Wanted, what: str) -> BotMessage:
        """The first bot message after `since` that is what the action called for."""
        found = await self.driver.state.notifier.wait_for(
            lambda: self._find(since, wanted) is not None, REACTION_SECONDS
        )
        message = self._find(since, wanted)
        if not found or message is None:
            raise Unanswered(f"{self.name}: {what}; last: {self.driver.last().describe()}")
        return message

    async def showing(self, order: str, wanted: Wanted, what: str) -> BotMessage:
        """A message about `order` (its client's name) once one shows what an action changed.
        Any of them: a card or offer repeated at a kill is a second copy, and the bot edits
        the copy it remembered, which need not be the one tapped."""
        return await self.expect(0, lambda m: order in m.text and wanted(m), what)

    async def _act(self, new: int, push: Callable[[], Awaitable[object]]) -> int:
        """One action: its turn, what it owes this chat, the update; the last message id
        before it (its reaction comes after)."""
        await self.tally.turn()
        since = self._last_id()
        self.tally.owed[self.chat] += new
        await push()
        self.tally.acted(self.driver.state.next_update_id - 1, self.chat, since, new)
        return since

    async def say(self, text: str, wanted: Wanted, what: str, new: int = 1) -> BotMessage:
        since = await self._act(new, lambda: self.driver.send(text))
        return await self.expect(since, wanted, what)

    async def photo(self, data: bytes, wanted: Wanted, what: str) -> BotMessage:
        since = await self._act(1, lambda: self.driver.send_photo(data))
        return await self.expect(since, wanted, what)

    async def tap(self, label: str, on: BotMessage, new: int = 0) -> int:
        """Tap a button; the reaction is the caller's to wait for (from the returned id)."""
        return await self._act(new, lambda: self.driver.tap(label, message=on.message_id))

    async def tap_for(self, label: str, on: BotMessage, wanted: Wanted, what: str) -> BotMessage:
        """Tap a button whose reaction is one new message."""
        since = await self.tap(label, on, new=1)
        return await self.expect(since, wanted, what)


def has(*parts: str, label: str | None = None) -> Wanted:
    def wanted(message: BotMessage) -> bool:
        return all(p in message.text for p in parts) and (label is None or label in message.labels)

    return wanted


def number_of(card: BotMessage) -> int:
    """The order number from "Заказ №7 · ..." / "Order №7 · ..."."""
    return int(card.text.split("№", 1)[1].split()[0])
