"""The digest, plan and alert renderers: (translator, data) -> text and buttons, both languages."""

from datetime import UTC, date, datetime

from core.domain import OrderStatus
from core.notifications.digest import DigestMessage, Facts, OrderRef, Period, build_digest
from core.notifications.rules import PlanItem
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view
from handlers.notifications.work_messages import overdue_view, plan_view, reminder_view

CATALOGS = Catalogs()
DAY = date(2026, 11, 27)
AT = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


def _message(**facts) -> DigestMessage:
    now = Facts(**facts)
    digest = build_digest(Period.DAY, DAY, DAY, now, Facts(created=3, revenue={"cash": 500000}))
    return DigestMessage(digest, "Clean <&> Co", "RUB", {7: "Ivan <b>"})


def _callbacks(markup) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row]


def test_digest_leads_with_exceptions_and_escapes_names():
    message = _message(
        created=5, done=2, revenue={"card": 350000}, done_by_worker={7: 2},
        unassigned=(OrderRef(11, 4), OrderRef(12, 5)), overdue=(OrderRef(11, 4),),
        totals={"unassigned": 14, "overdue": 1},
    )  # fmt: skip
    text, markup = digest_view(CATALOGS.get("en"), message)
    assert text.startswith("📊 <b>Digest for Fri 27 Nov</b> · Clean &lt;&amp;&gt; Co")
    assert text.index("Overdue: 1 — №4") < text.index("Unassigned: 14 — №4, №5 and 12 more")
    assert text.index("Unassigned") < text.index("New orders: 5 (+2)")
    assert "Revenue: 3,500\xa0RUB (−1,500\xa0RUB)" in text and "card: 3,500\xa0RUB" in text
    assert "Done by: Ivan &lt;b&gt;: 2" in text
    assert _callbacks(markup) == ["dl:unassigned", "ow:11", "ow:12", "o:11"]


def test_digest_in_russian_and_a_calm_day_has_no_buttons():
    text, markup = digest_view(CATALOGS.get("ru"), _message(created=1))
    assert "Сводка за пт 27 нояб." in text and "Ничего не требует внимания" in text
    assert "Новые заказы: 1 (−2)" in text and markup is None


def _item(**fields) -> PlanItem:
    values = dict(
        order_id=12, organization_id=1, number=4, status=OrderStatus.ASSIGNED, scheduled_at=AT,
        assignee_id=7, assignee="Иван", client="Пётр <Сидоров>", category="Уборка",
        address="Москва, Тверская, 1", latitude=None, longitude=None,
    )  # fmt: skip
    values.update(fields)
    return PlanItem(**values)


def test_plan_sorted_lines_with_map_links_and_buttons():
    data = {"zone": "Europe/Moscow", "day": "2026-11-27", "items": [_item().as_data()]}
    text, markup = plan_view(CATALOGS.get("ru"), data)
    assert "Ваш план на пт 27 нояб." in text and "1 заказ" in text
    assert "<b>10:00</b> · №4 · Пётр &lt;Сидоров&gt; · Уборка" in text
    assert 'href="https://yandex.ru/maps/?text=' in text
    assert _callbacks(markup) == ["o:12", "avs:20261127"]  # and "I can't work today"
    empty, none = plan_view(CATALOGS.get("en"), {**data, "items": []}, update=True)
    assert "has changed" in empty and "Nothing left for today." in empty and none is None


def test_reminder_and_overdue_alert():
    data = {"zone": "Europe/Moscow", "item": _item().as_data()}
    text, _ = reminder_view(CATALOGS.get("en"), data)
    assert "Soon: order №4 at <b>10:00</b>" in text
    text, markup = overdue_view(CATALOGS.get("en"), data)
    assert "was due at <b>10:00</b>" in text and "👷 Иван" in text
    assert _callbacks(markup) == ["o:12"]
    alone = {"zone": "Europe/Moscow", "item": _item(assignee_id=None, assignee=None).as_data()}
    text, markup = overdue_view(CATALOGS.get("en"), alone)
    assert "Nobody is assigned" in text and _callbacks(markup) == ["o:12", "ow:12"]
