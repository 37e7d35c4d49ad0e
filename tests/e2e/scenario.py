"""Scenario steps shared by end-to-end tests: onboarding people and inviting them."""

from __future__ import annotations

import re

from sandbox.emulator import UserDriver

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
