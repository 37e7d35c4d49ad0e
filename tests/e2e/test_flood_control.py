"""Several people tapping at once for 15 seconds against Telegram's real flood control (one
message a second in a chat after a short burst, 30 a second for the bot, 429 with retry_after
past either): every tapped button is answered at once (well under the chat's pacing), every
action gets a reaction, and nothing in the log is an error or a traceback."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

import pytest

from bot.local import new_emulator
from sandbox.emulator import UserDriver
from tests.conftest import PG_URL
from tests.e2e.conftest import local_bot, make_settings
from tests.e2e.scenario import INVITE_LINK, create_org, onboard

SECONDS = 15.0  # of tapping, after the team is set up
# A tap answered behind its chat's pacing would wait a second for each queued message, and
# these people keep several queued; quiet runs answer within 0.4 s, a machine at load 6 took
# 1.06 s, so the bound leaves room for load without letting a queued answer through.
ANSWER_WITHIN = 2.5
REACTION_WITHIN = 20.0  # a reply may queue behind a few others in its chat, a second apart
COMMANDS = (
    "/orders", "/today", "/help", "/more", "/settings", "/notifications", "/client Ив",
    "/team", "/digest", "/neworder", "/calls", "/cancel", "/org", "/privacy", "/invite",
)  # fmt: skip
WORDS = ("hello", "Иванов", "+7 916 123-45-67", "завтра 10:00", "1500", "/nonsense")
UNSAFE = ("er:",)  # deleting accounts and organizations is for other tests


@dataclass
class Tally:
    taps: int = 0
    messages: int = 0
    slowest_answer: float = 0.0
    late: list[str] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)


async def team(crm) -> list[UserDriver]:
    """Two organizations of an owner and two workers each, and two strangers."""
    owners = [
        crm.emulator.user(4100, "Olga", language_code="en"),
        crm.emulator.user(4200, "Пётр", language_code="ru"),
    ]
    await asyncio.gather(*(create_org(owner) for owner in owners))
    workers: list[UserDriver] = []
    for owner in owners:
        await owner.send("/invite worker 5")
        token = INVITE_LINK.search((await owner.reply(REACTION_WITHIN)).text)
        assert token is not None
        pair = [crm.emulator.user(owner.id + n, f"W{owner.id + n}") for n in (1, 2)]
        await asyncio.gather(*(onboard(w, "en", payload=token.group(1)) for w in pair))
        workers += pair
    strangers = [crm.emulator.user(4300 + n, f"S{n}", language_code="ru") for n in (1, 2)]
    return [*owners, *workers, *strangers]


def seen(person: UserDriver) -> tuple[int, int]:
    """How much the bot has shown this person: messages, and edits and deletions of them."""
    mine = [m for m in person.chat.messages.values() if m.from_bot]
    return len(mine), sum(m.version for m in mine)


async def reacted(person: UserDriver, before: tuple[int, int], count: int) -> bool:
    def enough() -> bool:
        now = seen(person)
        return (now[0] - before[0]) + (now[1] - before[1]) >= count

    return await person.state.notifier.wait_for(enough, REACTION_WITHIN)


def buttons(person: UserDriver) -> list[tuple[int, str]]:
    """(message id, callback data) of the buttons on the bot's last few keyboards."""
    found = []
    for stored in list(person.chat.messages.values())[-4:]:
        markup = stored.message.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if stored.from_bot else []:
            for b in row:
                data = b.get("callback_data")
                if data and not stored.deleted and not data.startswith(UNSAFE):
                    found.append((stored.message_id, data))
    return found


async def tap(person: UserDriver, target: tuple[int, str], tally: Tally) -> None:
    loop = asyncio.get_running_loop()
    tapped_at = loop.time()
    query_id = await person.tap_data(*target)
    answers = person.state.callback_answers
    answered = await person.state.notifier.wait_for(
        lambda: answers[query_id] is not None, REACTION_WITHIN
    )
    took = loop.time() - tapped_at
    tally.taps += 1
    tally.slowest_answer = max(tally.slowest_answer, took)
    if not answered or took > ANSWER_WITHIN:
        tally.late.append(f"{person.id} {target[1]} answered after {took:.2f}s")


async def say(person: UserDriver, texts: list[str], tally: Tally) -> None:
    before = seen(person)
    for text in texts:
        await person.send(text)
    tally.messages += len(texts)
    if not await reacted(person, before, len(texts)):
        tally.silent.append(f"{person.id} {texts}: no reaction")


async def act(person: UserDriver, rng: random.Random, tally: Tally) -> None:
    """One thing a person does: a tap, an impatient double tap, or a message or two."""
    targets, roll = buttons(person), rng.random()
    if targets and roll < 0.3:
        await tap(person, rng.choice(targets), tally)
    elif targets and roll < 0.45:
        target = rng.choice(targets)
        await asyncio.gather(*(tap(person, target, tally) for _ in range(rng.randint(2, 3))))
    elif roll < 0.85:
        await say(person, [rng.choice(COMMANDS) for _ in range(rng.randint(1, 2))], tally)
    else:
        await say(person, [rng.choice(WORDS)], tally)


async def keep_acting(person: UserDriver, until: float, tally: Tally) -> None:
    rng = random.Random(person.id)
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        await act(person, rng, tally)
        await asyncio.sleep(rng.uniform(0.05, 0.3))


@pytest.mark.parametrize("db_url", ["postgresql" if PG_URL else "sqlite"], indirect=True)
async def test_people_tapping_under_flood_control_all_get_answers(db_url, tmp_path, caplog):
    emulator = new_emulator()
    emulator.rate_limits = True  # Telegram's numbers; the bot keeps its limits too
    crm = local_bot(make_settings(db_url, tmp_path), emulator=emulator)
    await crm.start()
    try:
        people = await team(crm)
        caplog.clear()
        caplog.set_level(logging.INFO)
        tally = Tally()
        until = asyncio.get_running_loop().time() + SECONDS
        await asyncio.gather(*(keep_acting(person, until, tally) for person in people))
    finally:
        await crm.stop()
    assert tally.taps >= 20 and tally.messages >= 40, tally  # the scenario did run
    assert not tally.late, (tally.slowest_answer, tally.late)
    assert not tally.silent, tally.silent
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [f"{r.name}: {r.getMessage()}" for r in loud]
    assert "Traceback" not in caplog.text
