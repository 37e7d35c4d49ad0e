"""The Rate form of the client page (issue 19, item 8) over HTTP on both databases: a client
asked by SMS rates the visit on the order's page, once, in Russian or English; a low rating
queues the alert; the form needs the page's nonce and valid stars."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.client_loop.providers import SMS_SECRET, sms_json, sms_settings
from core.client_loop.ratings import ALERT_JOB
from core.orders.rules import OrderAction
from storage.tables import JobRow
from tests.admin.test_client_page import EN, NONCE, RU
from tests.admin.test_client_page import world as world


async def _asked(world):
    """The order done and paid, the rating asked by SMS (the organization has SMS.ru)."""
    services, owner, worker = world.services, world.owner, world.worker
    await services.org_settings.store_secret(
        owner, SMS_SECRET, sms_json(sms_settings("sms_ru", "sms-key"))
    )
    for action in (OrderAction.START, OrderAction.DONE):
        await services.orders.act(worker, world.order.id, action)
    await services.orders.act(
        worker, world.order.id, OrderAction.PAY, amount_minor=250000, method="cash"
    )
    asked = await services.client_loop.ask_rating(world.org_id, world.order.id, "ru", "https://x")
    assert asked is None  # by SMS: queued as its own job, with the page's link


async def _alerts(container):
    async with container.services.client_loop._uow() as uow:
        rows = await uow.session.execute(select(JobRow).where(JobRow.kind == ALERT_JOB))
        return list(rows.scalars())


@pytest.mark.parametrize("headers", [RU, EN])
async def test_a_client_rates_on_the_page_once(client, world, container, headers):
    await _asked(world)
    url = f"/c/{world.token}"
    page = await client.get(url, headers=headers)
    assert page.status_code == 200 and 'data-testid="rate-section"' in page.text
    title = "Оцените визит" if headers is RU else "Rate the visit"
    assert title in page.text
    nonce = NONCE.search(page.text).group(1)
    refused = await client.post(f"{url}/rate", data={"stars": "2"}, headers=headers)
    assert refused.status_code == 403  # no nonce
    wrong = await client.post(f"{url}/rate", data={"nonce": nonce, "stars": "7"}, headers=headers)
    assert wrong.status_code == 422 and await _alerts(container) == []
    rated = await client.post(
        f"{url}/rate", data={"nonce": nonce, "stars": "2", "comment": "Грязно"}, headers=headers
    )
    assert rated.status_code == 303
    shown = await client.get(url, headers=headers)
    assert 'data-testid="rated"' in shown.text and 'data-testid="rate-section"' not in shown.text
    again = await client.post(f"{url}/rate", data={"nonce": nonce, "stars": "5"}, headers=headers)
    assert again.status_code == 303
    rating = await world.services.client_loop.page_rating(world.token)
    assert (rating.stars, rating.comment) == (2, "Грязно")  # never rated twice
    (alert,) = await _alerts(container)
    assert alert.payload["stage"] == "stars"


async def test_no_rate_form_before_the_rating_is_asked(client, world):
    page = await client.get(f"/c/{world.token}", headers=RU)
    assert page.status_code == 200 and "rate-section" not in page.text
