"""Issue 25, item 6: /settings shows the person's name and phone with ✏️ Name and 📞 Phone,
the questions and answers in English and Russian, and /audit shows a correction masked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.dialogs.data import ProfileEditData
from core.dialogs.engine import DialogState
from core.domain import User
from core.privacy.model import AuditEvent
from handlers import callbacks as cb
from handlers.i18n import Catalogs
from handlers.privacy.audit import audit_line
from handlers.profile import profile_buttons, profile_lines, value_prompt

EN, RU = Catalogs().get("en"), Catalogs().get("ru")
AT = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
USER = User(1, 501, "Анна", "Петрова", None, "ru", "ru", None, AT, AT, "2025-01")


def test_settings_lines_buttons_and_questions_in_both_languages():
    assert profile_lines(EN, USER) == ["Name: Анна Петрова", "Phone: not given"]
    assert profile_lines(RU, USER) == ["Имя: Анна Петрова", "Телефон: не указан"]
    assert profile_lines(EN, replace(USER, phone="+79161234567"))[1] == "Phone: +79161234567"
    for t, labels in ((EN, ["✏️ Name", "📞 Phone"]), (RU, ["✏️ Имя", "📞 Телефон"])):
        buttons = profile_buttons(t)
        assert [b.text for b in buttons] == labels
        assert [cb.decode(b.callback_data) for b in buttons] == [
            cb.ProfileEdit("name"),
            cb.ProfileEdit("phone"),
        ]
    phone = DialogState("value", ProfileEditData(field="phone"))
    assert value_prompt(EN, phone, None)[0].startswith("Your phone number?")
    assert value_prompt(RU, phone, None)[0].startswith("Ваш номер телефона?")
    name = DialogState("value", ProfileEditData(field="name"))
    assert value_prompt(RU, name, None)[0].startswith("Ваше имя")


def test_the_audit_line_of_a_correction_is_masked_in_both_languages():
    event = AuditEvent(
        1, 1, 1, "account.corrected", "user", 1,
        {"field": "phone", "old": "+791***67", "new": "+792***01"}, AT, "Анна",
    )  # fmt: skip
    assert "corrected their own phone: +791***67 → +792***01" in audit_line(EN, event, "UTC")
    assert "исправил(а) свой phone: +791***67 → +792***01" in audit_line(RU, event, "UTC")
