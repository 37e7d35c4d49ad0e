"""Issue 20, items 3 and 4 over HTTP, on SQLite and PostgreSQL: the catalogue page (list,
add, edit, archive, restore; forms refused without the CSRF field, a refusal shown and
nothing kept), the JSON API (owners and managers; workers refused), and the client page's
"Approve" of a total changed on site (the lines shown, a stale total refused, Done allowed
once approved). Workers cannot sign in to the admin app; the services refuse them
(tests/integration/test_catalogue.py)."""

from __future__ import annotations

from dataclasses import replace

from core.catalogue.model import NewLine
from core.client_loop.model import Purpose
from core.orders.rules import OrderAction
from tests.admin.test_admin_http import CSRF
from tests.admin.test_client_page import EN, NONCE, RU
from tests.admin.test_client_page import world as page_world
from tests.support import profile

world = page_world


async def _signed_in(client, services, actor) -> str:
    path = (await services.admin.issue_link(actor)).url.removeprefix("http://admin.test")
    assert (await client.post(path)).status_code == 303
    page = await client.get("/settings")
    return CSRF.search(page.text).group(1)


async def test_the_catalogue_page_adds_edits_and_archives(client, world):
    services = world.services
    csrf = await _signed_in(client, services, world.owner)
    page = await client.get("/catalogue")
    assert page.status_code == 200 and "Услуги и материалы" in page.text
    form = {"csrf": csrf, "kind": "service", "name": "Замена смесителя", "unit": "шт"}
    added = await client.post("/catalogue/add", data=form | {"price": "1 500", "vat": "20"})
    assert added.status_code == 303 and added.headers["location"] == "/catalogue?saved=1"
    forged = await client.post("/catalogue/add", data=form | {"csrf": "x", "price": "1"})
    assert forged.status_code == 403
    refused = await client.post("/catalogue/add", data=form | {"price": "1500", "vat": "18"})
    assert refused.status_code == 422 and "НДС" in refused.text
    (item,) = await services.catalogue.items(world.owner, archived=True)
    assert (item.name, item.price_minor, item.vat_bp, item.unit) == (
        "Замена смесителя",
        150000,
        2000,
        "шт",
    )

    edit = form | {"kind": "material", "name": "Смеситель", "price": "1750,50", "vat": "-"}
    assert (await client.post(f"/catalogue/{item.id}/edit", data=edit)).status_code == 303
    assert (
        await client.post(f"/catalogue/{item.id}/archive", data={"csrf": csrf})
    ).status_code == 303
    (item,) = await services.catalogue.items(world.owner, archived=True)
    assert (item.name, item.price_minor, item.vat_bp, item.archived) == (
        "Смеситель",
        175050,
        None,
        True,
    )
    shown = (await client.get("/catalogue")).text
    assert "Смеситель" in shown and "1\u00a0750,50\u00a0₽" in shown and "В архиве" in shown
    assert (
        await client.post(f"/catalogue/{item.id}/restore", data={"csrf": csrf})
    ).status_code == 303
    assert not (await services.catalogue.items(world.owner))[0].archived
    missing = await client.post(f"/catalogue/{item.id + 999}/edit", data=edit)
    assert missing.status_code == 422 and "Этого больше нет" in missing.text


async def test_the_catalogue_api_for_owners_and_managers_only(client, world):
    services = world.services
    csrf = await _signed_in(client, services, world.owner)
    headers = {"X-CSRF-Token": csrf}
    body = {
        "name": "Фильтр",
        "unit": "шт",
        "price_minor": 45000,
        "vat_percent": "20",
        "kind": "material",
    }
    made = await client.post("/api/catalogue", json=body, headers=headers)
    assert made.status_code == 201
    item = made.json()
    assert item | {"id": 0} == {
        "id": 0, "kind": "material", "name": "Фильтр", "unit": "шт", "price_minor": 45000,
        "vat_percent": "20", "category_id": None, "archived": False,
    }  # fmt: skip
    bad = await client.post("/api/catalogue", json=body | {"vat_percent": "18"}, headers=headers)
    assert bad.status_code == 422
    patched = await client.patch(
        f"/api/catalogue/{item['id']}",
        json={"price_minor": 47000, "archived": True},
        headers=headers,
    )
    assert patched.status_code == 200 and patched.json()["price_minor"] == 47000
    assert (await client.get("/api/catalogue")).json() == []
    assert len((await client.get("/api/catalogue?archived=true")).json()) == 1
    assert (
        await client.patch("/api/catalogue/999999", json={}, headers=headers)
    ).status_code == 404


async def test_the_client_approves_a_new_total_on_the_page(client, world):
    services = world.services
    settings = await services.client_loop.settings(world.owner)
    await services.client_loop.update_settings(world.owner, replace(settings, approve_total=True))
    issued = await services.client_loop.invite(world.owner, world.client.id, world.order.id)
    person = (await services.users.identify(profile("Анна"))).user  # the client, in Telegram
    await services.client_loop.redeem(person, issued.token)
    await services.client_loop.answer_consent(person, world.org_id, Purpose.TRANSACTIONAL, True)
    await services.orders.act(world.worker, world.order.id, OrderAction.START)
    added = await services.order_lines.add_line(
        world.worker, world.order.id, NewLine("Замена крана", 1000, 150000)
    )
    assert added.approval

    page = await client.get(f"/c/{world.token}", headers=RU)
    html = page.text
    assert "Сумма изменилась" in html and "Работа по договорённости" in html
    assert "Замена крана · 1 × 1\u00a0500\u00a0₽ = 1\u00a0500\u00a0₽" in html
    assert "Подтвердить 4\u00a0000\u00a0₽" in html and 'name="total" value="400000"' in html
    english = await client.get(f"/c/{world.token}", headers=EN)
    assert "The total has changed" in english.text and "Approve 4,000" in english.text
    nonce = NONCE.search(html).group(1)
    stale = await client.post(
        f"/c/{world.token}/approve", data={"nonce": nonce, "total": "250000"}, headers=RU
    )
    assert stale.status_code == 409 and "Сумма снова изменилась" in stale.text
    nonce = NONCE.search(stale.text).group(1)
    approved = await client.post(
        f"/c/{world.token}/approve", data={"nonce": nonce, "total": "400000"}, headers=RU
    )
    assert approved.status_code == 200 and "Спасибо! Вы подтвердили новую сумму." in approved.text
    assert "Сумма изменилась" not in approved.text
    events = [e.kind for e in await world.events()]
    assert events[-1] == "total_approved"
    await services.orders.act(world.worker, world.order.id, OrderAction.DONE)
    forged = await client.post(f"/c/{world.token}/approve", data={"nonce": "x", "total": "1"})
    assert forged.status_code == 403
