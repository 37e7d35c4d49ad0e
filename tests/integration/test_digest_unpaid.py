"""The digest's unpaid line on both databases: the orders done but not fully paid, what each
still owes, and the sum over all of them (not only the ones listed)."""

from core.notifications.digest import LIST_LIMIT, DigestMessage
from core.orders.rules import OrderAction
from core.orders.service import OrderDraft
from handlers.i18n import Catalogs
from handlers.notifications.digests import digest_view
from tests.support import owner_with_org, services_for


async def _done(services, owner, price: int, paid: int = 0) -> int:
    client = await services.clients.create(owner, "Пётр Сидоров", None, "Москва, Тверская, 1")
    draft = OrderDraft(client.id, price_minor=price, scheduled_at=None)
    order = await services.orders.create(owner, draft)
    await services.orders.act(owner, order.id, OrderAction.ASSIGN, assignee_id=owner.user.id)
    await services.orders.act(owner, order.id, OrderAction.START)
    await services.orders.act(owner, order.id, OrderAction.DONE)
    if paid:
        await services.orders.act(
            owner, order.id, OrderAction.PAY, amount_minor=paid, method="cash"
        )
    return order.number


async def test_the_unpaid_line_names_the_orders_and_the_total(uow_factory, clock):
    services = services_for(uow_factory, clock)
    owner = await owner_with_org(services)
    await _done(services, owner, 350000, paid=100000)  # 2,500 still owed
    await _done(services, owner, 200000, paid=200000)  # settled: not listed
    for _ in range(LIST_LIMIT):
        clock.advance(minutes=1)
        await _done(services, owner, 100000)
    clock.advance(minutes=1)
    message = await services.notifications.digest_for(owner)
    unpaid = message.digest.exceptions["unpaid"]
    assert len(unpaid) == LIST_LIMIT and message.digest.totals["unpaid"] == LIST_LIMIT + 1
    assert {r.due for r in unpaid} == {100000}  # the newest first; the oldest is left off
    assert message.digest.unpaid_total == 350000 - 100000 + LIST_LIMIT * 100000
    again = DigestMessage.from_data(message.as_data())  # as the delivery job carries it
    text, _ = digest_view(Catalogs().get("en"), again)
    line = next(line for line in text.splitlines() if "unpaid" in line)
    assert line.startswith("💸 Done but unpaid: 11, 12,500\xa0RUB to collect — №12 (1,000\xa0RUB)")
    assert line.endswith("№3 (1,000\xa0RUB) and 1 more"), line
