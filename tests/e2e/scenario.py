"""Scenario steps shared by end-to-end tests: onboarding people and inviting them."""

from __future__ import annotations

import re

from sandbox.emulator import BotMessage, UserDriver

INVITE_LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")


async def onboard(person: UserDriver, language: str = "ru", payload: str | None = None) -> None:
    """/start, pick the language, confirm age, accept the policy."""
    await person.send(f"/start {payload}" if payload else "/start")
    prompt = await person.reply()
    label = next(
        lbl for lbl in prompt.labels if lbl.endswith("Русский" if language == "ru" else "English")
    )
    await person.tap(label)
    age = await person.reply()
    await person.tap(age.labels[0])
    consent = await person.reply()
    await person.tap(consent.labels[0])


async def create_org(
    owner: UserDriver, name: str = "Чистый дом", zone_label: str = "Москва"
) -> None:
    await onboard(owner, "ru")
    assert "Как называется" in (await owner.reply()).text
    await owner.send(name)
    zones = await owner.reply()
    if "/" in zone_label:  # an IANA name, typed
        await owner.send(zone_label)
    else:
        await owner.tap(next(lbl for lbl in zones.labels if lbl.startswith(zone_label)))
    await owner.reply()
    await owner.tap("RUB")
    ready = await owner.reply()
    assert "создана" in ready.text or "is ready" in ready.text, ready.text


async def invite_link(inviter: UserDriver, role_label: str) -> str:
    await inviter.send("/invite")
    await inviter.reply()
    await inviter.tap(role_label)
    message = await inviter.reply()
    match = INVITE_LINK.search(message.text)
    assert match, message.text
    return match.group(1)


async def started_order(
    crm,
    ids: tuple[int, int],
    client: tuple[str, str, str],
    category: str = "Уборка",
    price: str | None = None,
):
    """An owner (Russian) with a worker (English) who has started order №1 for `client`
    (phone, name, address). Returns (owner, worker, the worker's card)."""
    olga, ivan, assigned = await assigned_order(crm, ids, client, category, price)
    await ivan.tap("▶️ Start", message=assigned)
    await ivan.wait_edit(assigned.message_id)
    return olga, ivan, assigned


async def until_shown(person: UserDriver, message_id: int, text: str, seconds: float = 5.0):
    """A bot message edited in place (a live order card) once it shows `text`."""

    def current():
        return next(m for m in person.messages() if m.message_id == message_id)

    if not await person.state.notifier.wait_for(lambda: text in current().text, seconds):
        raise AssertionError(f"#{message_id} never showed {text!r}: {current().text!r}")
    return current()


async def assigned_order(
    crm,
    ids: tuple[int, int],
    client: tuple[str, str, str],
    category: str = "Уборка",
    price: str | None = None,
    zone: str = "Москва",
    worker: str = "Ivan",
    offer: bool = False,
):
    """An owner (Russian) who created order №1 for `client` (phone, name, address) and assigned
    it to a worker (English), or with `offer` offered it to all. Returns (owner, worker, the
    worker's card or offer)."""
    olga = crm.emulator.user(ids[0], "Ольга", language_code="ru")
    await create_org(olga, zone_label=zone)
    token = await invite_link(olga, "Работник")
    ivan = crm.emulator.user(ids[1], worker, language_code="en")
    await onboard(ivan, "en", payload=token)
    await ivan.reply()
    await olga.reply()
    await olga.send("/neworder")
    for step in client:
        await olga.reply()
        await olga.send(step)
    for label in (category, "Без даты"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    if price is None:
        await olga.tap("Пропустить")
    else:
        await olga.send(price)
    for label in ("Пропустить", "✅ Создать"):
        await olga.reply()
        await olga.tap(label)
    await olga.reply()
    card = await olga.reply()
    await olga.tap("👷 Назначить", message=card)
    await olga.reply()
    await olga.tap("📣 Предложить всем" if offer else f"{worker} · заказов в этот день: 0")
    return olga, ivan, await ivan.reply()


async def next_with(person: UserDriver, needle: str) -> BotMessage:
    """The person's next message containing `needle`, earlier ones skipped (messages that a
    job sends may come a little later than those of the updates before it)."""
    while True:
        message = await person.reply()
        if needle in message.text:
            return message


def reason_of(again: BotMessage, asked: BotMessage) -> str:
    """A refused answer is answered with one message: why, a blank line, then the question as
    `asked` showed it (the same text and buttons). Returns the why."""
    assert again.text.endswith("\n\n" + asked.text), again.text
    assert (again.buttons, again.keyboard) == (asked.buttons, asked.keyboard), again.describe()
    return again.text.removesuffix("\n\n" + asked.text)
