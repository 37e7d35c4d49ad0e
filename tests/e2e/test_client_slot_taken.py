"""Issue 19, item 5, in Telegram: a client taps a free time that was taken after the times were
offered (here another visit of the same worker was booked at that start meanwhile). The
order does not move; the offer is edited in place into "that time has just been taken,
choose another" with the free times as they are now, without that start, and one of those
moves the visit. On the e2e frozen clock, in Russian."""

from __future__ import annotations

from datetime import UTC, datetime

from core.domain import TelegramProfile
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from tests.e2e.test_client_confirmation import _linked
from tests.e2e.test_client_link import _team
from tests.e2e.test_client_link import crm as link_crm
from tests.e2e.test_client_reminders import _look

crm = link_crm


def _start(button_data: str) -> datetime:
    return datetime.fromtimestamp(int(button_data.split(":")[-1]) * 60, UTC)


async def test_a_time_taken_meanwhile_is_refused_with_fresh_times(crm):
    olga, ivan = await _team(crm, (7601, 7602))
    petr = await _linked(crm, olga, ivan, 7603)
    assert await _look(crm) == 1
    reminder = await petr.reply()
    await petr.tap("🔁 Перенести", message=reminder)
    times = await petr.reply()
    first_label, first_data = times.buttons[0][0]
    taken = _start(first_data)

    services = crm.container.services
    owner = await services.users.identify(TelegramProfile(7601, "Ольга", language_code="ru"))
    worker = await services.users.identify(
        TelegramProfile(7602, "Ivan Petrov", language_code="en")
    )
    other = await services.orders.create(owner, OrderDraft(None, scheduled_at=taken))
    await services.orders.act(owner, other.id, OrderAction.ASSIGN, assignee_id=worker.user.id)

    await petr.tap(first_label, message=times)
    refused = await petr.wait_edit(times.message_id)
    assert "это время только что заняли" in refused.text, refused.text
    assert "Выберите новое время" in refused.text
    fresh = [data for row in refused.buttons for _, data in row]
    assert fresh and taken not in [_start(d) for d in fresh]
    await petr.tap(refused.labels[0], message=refused)
    moved = await petr.wait_edit(times.message_id)
    assert "визит перенесён" in moved.text and moved.labels == []
