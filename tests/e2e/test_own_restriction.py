"""Issue 25, item 4, on the real bot: an owner restricts processing of their own data from
/privacy (one tap, answered: the answer to their own tap passes the restriction), /privacy
then shows since when with the button that lifts it, and lifting is answered too."""

from __future__ import annotations

from tests.e2e.scenario import create_org


async def test_restrict_and_lift_from_privacy(crm):
    olga = crm.emulator.user(8821, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/privacy")
    shown = await olga.reply()
    assert "Вы можете ограничить обработку своих данных" in shown.text
    await olga.tap("⛔ Ограничить обработку моих данных", message=shown)
    answer = await olga.reply()
    assert answer.text.startswith("⛔ Обработка ваших данных ограничена."), answer.text
    await olga.send("/privacy")  # her own command: answered while restricted
    again = await olga.reply()
    assert "⛔ Обработка ваших данных ограничена с" in again.text
    assert "✅ Снять ограничение моих данных" in again.labels
    await olga.tap("✅ Снять ограничение моих данных", message=again)
    assert "Ограничение снято" in (await olga.reply()).text
