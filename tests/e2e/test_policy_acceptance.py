"""A material change of the privacy policy through the real bot (issue 25, items 1-3): both
people hear of it once, in their language, /privacy shows it as upcoming; from its effective
date (a frozen clock moved past it) their next message asks them to accept it, with the
export and account deletion offered next to it. Accepting is recorded with the version and
the time; declining is recorded too, keeps /privacy, /mydata and /deleteme, refuses
anything else, and can be turned into acceptance later from /privacy."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from core.domain import ConsentKind
from storage.db import session_factory
from storage.tables import ConsentRow, UserRow
from tests.e2e.conftest import e2e_clock, local_bot, make_settings
from tests.e2e.scenario import create_org, invite_link, next_with, onboard
from tests.policy_support import NEXT, SUMMARY_EN, SUMMARY_RU, versions_dir

EFFECTIVE = datetime(2026, 4, 15, 7, 0, tzinfo=UTC)


async def _answers(local, telegram_id: int) -> list[tuple[str, bool, datetime]]:
    async with session_factory(local.container.engine)() as session:
        rows = await session.execute(
            select(ConsentRow.policy_version, ConsentRow.accepted, ConsentRow.created_at)
            .join(UserRow, UserRow.id == ConsentRow.user_id)
            .where(
                UserRow.telegram_id == telegram_id,
                ConsentRow.kind == ConsentKind.PRIVACY_POLICY.value,
            )
            .order_by(ConsentRow.id)
        )
        return [(v, bool(a), at) for v, a, at in rows.all()]


async def test_notice_then_acceptance_or_decline_from_the_effective_date(db_url, tmp_path):
    settings = make_settings(db_url, tmp_path)
    settings = settings.model_copy(update={"privacy_policy_dir": versions_dir()})
    clock = e2e_clock()
    local = local_bot(settings, clock=clock)
    await local.start()
    try:
        olga = local.emulator.user(1501, "Ольга", language_code="ru")
        await create_org(olga)
        token = await invite_link(olga, "Работник")
        ivan = local.emulator.user(1502, "Ivan", language_code="en")
        await onboard(ivan, "en", payload=token)
        await ivan.reply()
        await olga.reply()

        assert (await local.container.services.policy.publish(NEXT)).new
        ru = await next_with(olga, "Наша политика конфиденциальности меняется")
        assert SUMMARY_RU in ru.text and "15 апреля 2026" in ru.text, ru.text
        en = await next_with(ivan, "Our privacy policy is changing")
        assert SUMMARY_EN in en.text and "15 April 2026" in en.text, en.text
        await olga.send("/privacy")
        shown = await olga.reply()
        assert "версия 2025-01, действует с 1 января 2025" in shown.text, shown.text
        assert "🆕 Версия 2026-04 вступает в силу 15 апреля 2026" in shown.text
        assert SUMMARY_RU in shown.text and "Принять новую политику" not in shown.labels
        await ivan.send("/privacy")
        shown = await ivan.reply()
        assert "Privacy policy version 2025-01, in force since 1 January 2025" in shown.text
        assert "🆕 Version 2026-04 takes effect on 15 April 2026" in shown.text, shown.text
        assert SUMMARY_EN in shown.text

        clock.set(EFFECTIVE)
        await ivan.send("/help")  # open: help is never held back
        assert "Our privacy policy has changed" not in (await ivan.reply()).text
        await ivan.send("/today")
        asked = await ivan.reply()
        assert "Our privacy policy has changed" in asked.text, asked.text
        assert "/mydata" in asked.text and "/deleteme" in asked.text
        assert asked.labels == ["Accept the new policy", "Decline"]
        await ivan.tap("Accept the new policy", message=asked)
        assert "you accepted version 2026-04" in (await ivan.reply()).text
        await ivan.send("/today")
        assert "privacy policy" not in (await ivan.reply()).text
        [*_, accepted] = await _answers(local, 1502)
        assert accepted[:2] == (NEXT, True) and accepted[2] >= EFFECTIVE

        await olga.send("/neworder")
        question = await olga.reply()
        assert "Наша политика конфиденциальности изменилась" in question.text
        await olga.tap("Не согласен", message=question)
        declined = await olga.reply()
        assert "Вы не приняли политику конфиденциальности версии 2026-04" in declined.text
        assert (await _answers(local, 1501))[-1][:2] == (NEXT, False)
        await olga.send("/neworder")
        refused = await olga.reply()
        assert "Вы не приняли" in refused.text and refused.labels == ["Принять новую политику"]
        await olga.send("/mydata")  # the export stays open
        await olga.reply()
        document = await olga.reply(timeout=20)
        assert document.media == "document", document.describe()
        await olga.send("/privacy")
        page = await olga.reply()
        assert "Вы не приняли" in page.text and "версия 2026-04, действует с" in page.text
        await olga.tap("Принять новую политику", message=page)
        assert "вы приняли версию 2026-04" in (await olga.reply()).text
        await olga.send("/neworder")
        assert "политик" not in (await olga.reply()).text
        answers = [a[:2] for a in await _answers(local, 1501)]
        assert answers[-2:] == [(NEXT, False), (NEXT, True)]
    finally:
        await local.stop()
