"""Changing how long business data is kept: the owner sees what the daily clean-up will erase
and when, and nothing changes until they confirm; the audit log shows the change."""

from tests.e2e.scenario import create_org


async def test_a_retention_limit_is_confirmed_before_it_applies(crm):
    olga = crm.emulator.user(1201, "Ольга", language_code="ru")
    await create_org(olga)
    await olga.send("/privacy")
    summary = await olga.reply()
    assert "✓ Не удалять" in summary.labels
    await olga.tap("1 год", message=summary)
    question = await olga.reply()
    assert "Хранить рабочие данные 1 год" in question.text, question.text
    assert "Ежедневная очистка чт 5 мар., 06:00 удалит навсегда" in question.text
    assert "• 0 клиентов, с которыми не работали с 5 мар. 2025" in question.text
    assert question.labels == ["Да, хранить 1 год", "Отмена"]
    await olga.tap("Отмена", message=question)
    assert "Ничего не изменилось" in (await olga.reply()).text
    await olga.send("/privacy")
    again = await olga.reply()
    assert "✓ Не удалять" in again.labels  # cancelled: unchanged

    await olga.tap("1 год", message=again)
    await olga.tap("Да, хранить 1 год", message=await olga.reply())
    assert "хранятся 365 дней" in (await olga.reply()).text
    await olga.send("/privacy")
    assert "✓ 1 год" in (await olga.reply()).labels
    await olga.send("/audit")
    log = (await olga.reply()).text
    assert "изменил(а) срок хранения рабочих данных: до удаления → 1 год" in log, log
