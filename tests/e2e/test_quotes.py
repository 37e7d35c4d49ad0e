"""Issue 20, item 5 through the bot (docs/quotes.md): a worker is refused /quote; the owner
prepares a quote from the client's card or with /quote (a client searched by name, a typed
line, the valid-until day by button, the check screen) and sends it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import admin_settings, e2e_clock, local_bot
from tests.e2e.test_client_link import _order, _team

NBSP = "\u00a0"


@pytest.fixture
async def crm(db_url, tmp_path):
    """The bot with its admin app on a free port (the client page)."""
    settings = admin_settings(db_url, tmp_path)
    clock = e2e_clock()
    local = local_bot(settings, clock=clock)
    local.clock = clock  # type: ignore[attr-defined]
    await local.start()
    try:
        yield local
    finally:
        await local.stop()


async def _quote(olga, line: str = "мойка окон, 2 х 1500"):
    """/quote for Пётр Сидоров with one typed line, valid for the default 14 days: the
    check screen."""
    await olga.send("/quote")
    asked = await olga.reply()
    assert "Новая смета" in asked.text
    await olga.send("Сидоров")
    pick = await olga.reply()
    assert pick.text == "Какой это клиент?" and pick.labels == ["Пётр Сидоров · +7 916 123-45-67"]
    await olga.tap(pick.labels[0], message=pick)
    first = await olga.reply()
    assert "Смета для клиента Пётр Сидоров" in first.text
    await olga.send(line)
    more = await olga.reply()
    assert "1. мойка окон · 2 × 1" in more.text and f"Итого: 3{NBSP}000{NBSP}₽" in more.text
    await olga.tap("✅ Готово: указать срок", message=more)
    valid = await olga.reply()
    assert "До какого дня действует смета?" in valid.text and len(valid.labels) == 3
    default = next(label for label in valid.labels if label.startswith("✓ "))
    await olga.tap(default, message=valid)
    check = await olga.reply()
    assert f"Действует до: {default[2:]}" in check.text
    assert check.labels == ["📤 Отправить", "✖️ Отменить"]
    return check


async def test_a_worker_is_refused_and_the_owner_sends_a_quote(crm):
    olga, ivan = await _team(crm, (7801, 7802))
    await ivan.send("/quote")
    assert "does not allow" in (await ivan.reply()).text
    await _order(olga, ivan)  # Пётр Сидоров is a client now
    check = await _quote(olga)
    await olga.tap("📤 Отправить", message=check)
    assert (await olga.reply()).text == "📤 Смета №1 отправлена клиенту Пётр Сидоров."
    await olga.send("/digest")
    digest = await olga.reply()
    assert "#1 (3" in digest.text


async def test_the_card_starts_a_quote_for_its_client(crm):
    olga, ivan = await _team(crm, (7811, 7812))
    await _order(olga, ivan)
    await olga.send("/client Сидоров")
    found = await olga.reply()
    await olga.tap(found.labels[0], message=found)
    card = await olga.reply()
    await olga.tap("📝 Смета", message=card)
    asked = await olga.reply()
    assert "Смета для клиента Пётр Сидоров" in asked.text
