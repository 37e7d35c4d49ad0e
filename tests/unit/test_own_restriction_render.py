"""Issue 25, item 4: /privacy's own restriction in English and Russian (the state, the button
that restricts or lifts, the answer confirming it), the voice note's status, the audit lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.domain import User, VoiceNote, VoiceStatus
from core.privacy.model import AuditEvent
from handlers import callbacks as cb
from handlers.i18n import Catalogs
from handlers.privacy.audit import audit_line
from handlers.privacy.own_restriction import (
    restriction_answer,
    restriction_button,
    restriction_lines,
)
from handlers.voice import status_text

EN, RU = Catalogs().get("en"), Catalogs().get("ru")
AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
USER = User(1, 501, "Иван", None, None, "ru", "ru", None, AT, AT, "2025-01")


def test_privacy_shows_the_state_and_the_button_in_both_languages():
    restricted = replace(USER, restricted_at=AT)
    assert (
        "⛔ Processing of your data is restricted since"
        in restriction_lines(EN, restricted, "Europe/Moscow")[1]
    )
    assert "12:00" in restriction_lines(RU, restricted, "Europe/Moscow")[1]
    assert "⛔ Обработка ваших данных ограничена с" in restriction_lines(RU, restricted, "UTC")[1]
    assert restriction_lines(EN, USER, "UTC")[1].startswith("⛔ You can restrict processing")
    for t, on, off in (
        (EN, "⛔ Restrict processing of my data", "✅ Lift the restriction of my data"),
        (RU, "⛔ Ограничить обработку моих данных", "✅ Снять ограничение моих данных"),
    ):
        free, held = restriction_button(t, False), restriction_button(t, True)
        assert (free.text, cb.decode(free.callback_data)) == (on, cb.OwnRestriction(1))
        assert (held.text, cb.decode(held.callback_data)) == (off, cb.OwnRestriction(0))
    assert "I still answer what you send me" in restriction_answer(EN, True)
    assert "На ваши сообщения я по-прежнему отвечаю" in restriction_answer(RU, True)
    assert restriction_answer(RU, False).startswith("✅ Ограничение снято")


def test_the_voice_status_and_the_audit_lines():
    values: dict[str, object] = dict.fromkeys(VoiceNote.__dataclass_fields__)
    values.update(id=1, organization_id=1, order_id=3, chat_id=77, duration_seconds=5,
                  language="ru", status=VoiceStatus.OWN_RESTRICTED)  # fmt: skip
    note = VoiceNote(**values)  # type: ignore[arg-type]
    assert "Not transcribed: you restricted the processing of your data" in status_text(
        EN, note, 3
    )
    assert "вы ограничили обработку своих данных" in status_text(RU, note, 3)
    event = AuditEvent(1, 1, 1, "account.restricted", "user", 1, {}, AT, "Иван")
    assert "restricted processing of their own data" in audit_line(EN, event, "UTC")
    assert "ограничил(а) обработку своих данных" in audit_line(RU, event, "UTC")
