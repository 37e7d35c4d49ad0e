"""/audit lines for setting changes: which setting, from what to what (values of the
organization's name and of keys are never kept, so never shown)."""

from datetime import UTC, datetime

from core.privacy.model import AuditEvent
from handlers.i18n import Catalogs
from handlers.privacy.audit import audit_line, setting_change

EN, RU = Catalogs().get("en"), Catalogs().get("ru")


def test_a_setting_change_says_what_changed_from_what_to_what():
    zone = {"name": "timezone", "old": "Europe/Moscow", "new": "Asia/Yekaterinburg"}
    assert setting_change(EN, zone) == (
        "changed the time zone: Europe/Moscow → Asia/Yekaterinburg"
    )
    assert setting_change(EN, {"name": "retention", "old": None, "new": 730}) == (
        "changed how long business data is kept: until deleted → 2 years"
    )
    assert setting_change(RU, {"name": "notify_done", "old": True, "new": False}) == (
        "изменил(а) уведомления менеджеров о выполненных заказах: вкл. → выкл."
    )
    assert setting_change(EN, {"name": "digest_time", "old": "20:00", "new": "07:45"}) == (
        "changed their daily digest time: 20:00 → 07:45"
    )
    assert setting_change(EN, {"name": "dadata_token", "new": "removed"}) == (
        "changed the integration key dadata_token: now removed"
    )
    assert setting_change(EN, {"name": "name"}) == "changed the organization's name"
    assert setting_change(EN, {"name": "photos", "value": 2}) == (
        "changed photos required to finish an order: now 2"
    )
    assert setting_change(EN, {"name": "unknown"}) == "changed a setting"


def test_values_are_escaped_in_the_line():
    event = AuditEvent(
        1, 1, 1, "setting.changed", None, None,
        {"name": "categories", "old": ["Окна"], "new": ["Окна", "<b>Ковры</b>"]},
        datetime(2026, 3, 4, 6, 30, tzinfo=UTC), "Ольга",
    )  # fmt: skip
    line = audit_line(EN, event, "Europe/Moscow")
    assert line.endswith(
        "Ольга · changed the service categories: Окна → Окна, &lt;b&gt;Ковры&lt;/b&gt;"
    )
