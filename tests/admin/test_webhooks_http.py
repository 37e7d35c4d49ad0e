"""Issue 21, item 7: an owner manages webhook subscriptions on the admin page: the settings
page links to it, a subscription is added (https only, CSRF-checked) with its secret shown
once, its deliveries are listed and sent again, it is switched off and removed; another
organization's are out of reach. SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.admin.test_working_hours_http import _signed_in_as
from tests.support import owner_with_org

SECRET = re.compile(r'data-testid="webhook-secret">(whsec_[^<]+)<')
SUB = re.compile(r'data-testid="subscription-(\d+)"')
DELIVERY = re.compile(r'data-testid="delivery-(\d+)"')


async def test_an_owner_adds_watches_and_switches_off_a_subscription(client, container):
    services = container.services
    owner = await owner_with_org(services)
    _, csrf = await _signed_in_as(client, services, owner)
    settings = await client.get("/settings")
    assert 'href="/settings/webhooks"' in settings.text and "Вебхуки" in settings.text
    empty = await client.get("/settings/webhooks")
    assert empty.status_code == 200 and SUB.search(empty.text) is None
    form = {"url": "https://hooks.example/crm", "events": ["client.created", "order.paid"]}
    assert (await client.post("/settings/webhooks", data=form)).status_code == 403
    plain = {**form, "csrf": csrf, "url": "http://hooks.example/crm"}
    refused = await client.post("/settings/webhooks", data=plain)
    assert refused.status_code == 422 and "Укажите адрес https" in refused.text
    assert SUB.search(refused.text) is None
    made = await client.post("/settings/webhooks", data={**form, "csrf": csrf})
    assert made.status_code == 200
    secret = SECRET.search(made.text)
    assert secret is not None and len(secret.group(1)) > 40
    sub_id = int(SUB.search(made.text).group(1))
    again = await client.get("/settings/webhooks")
    assert secret.group(1) not in again.text  # shown once
    assert "https://hooks.example/crm" in again.text and "order.paid, client.created" in again.text
    # A new client is a delivery in the log, waiting for its job; Redeliver is accepted.
    await services.clients.create(owner, "Анна Смирнова", "+79165550001")
    log = await client.get("/settings/webhooks")
    (delivery_id,) = [int(i) for i in DELIVERY.findall(log.text)]
    assert "client.created" in log.text and "Ожидает" in log.text
    path = f"/settings/webhooks/deliveries/{delivery_id}/redeliver"
    assert (await client.post(path, data={"csrf": csrf})).status_code == 303
    off = await client.post(f"/settings/webhooks/{sub_id}/off", data={"csrf": csrf})
    assert off.status_code == 303
    assert "Отключена с" in (await client.get("/settings/webhooks")).text
    # Another organization's subscription is not this owner's to touch.
    stranger = await owner_with_org(services, "Другая")
    org = stranger.organization
    from bot.webhooks import webhook_service

    theirs = await webhook_service(container).subscribe(
        org.id, "https://x.example/", ["order.paid"]
    )
    other = f"/settings/webhooks/{theirs.subscription.id}/remove"
    assert (await client.post(other, data={"csrf": csrf})).status_code == 404
    assert await webhook_service(container).subscriptions(org.id)
    gone = await client.post(f"/settings/webhooks/{sub_id}/remove", data={"csrf": csrf})
    assert gone.status_code == 303
    assert SUB.search((await client.get("/settings/webhooks")).text) is None
    async with services.orders._uow() as uow:
        entries = await uow.audit.listing(owner.organization.id, 50, 0)
    changes = [e.data.get("change") for e in entries if e.data.get("name") == "webhooks"]
    assert sorted(changes) == ["added", "off", "remove"]
