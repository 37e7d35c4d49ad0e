"""Issue 20, item 7: the checklists page of the admin app, a form per kind of work with its
checklist typed one item per line, on SQLite and PostgreSQL. The session's CSRF token is
required; a list over 30 items is refused on the page in the reader's language with nothing
saved; a saved list is what the API and new orders read, and is shown back in the same
syntax; an empty list removes the checklist; an unknown kind is 404. Secured like every
page (CSP without inline script)."""

from __future__ import annotations

import re

import pytest

from core.checklists.model import ItemKind
from core.errors import DomainError
from tests.admin.test_admin_headers import assert_secured
from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
TYPED = "* Проверить  фильтр\n\nСчётчик [число кВт·ч]\n* Фото узла [photo]\n"


async def _category(world):
    async with world.services.client_loop._uow() as uow:
        return (await uow.categories.listing(world.org_id))[0]


async def test_owners_type_a_checklist_per_kind_of_work(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    category = await _category(world)
    url = f"/checklists/{category.id}"
    page = await client.get("/checklists")
    assert page.status_code == 200
    assert_secured(page)
    assert "<script" not in page.text
    assert "Чек-листы" in page.text and category.name in page.text and "0 пунктов" in page.text
    assert f'action="{url}"' in page.text and 'name="csrf"' in page.text

    forged = await client.post(url, data={"items": TYPED})
    assert forged.status_code == 403
    many = "\n".join(f"Пункт {n}" for n in range(31))
    refused = await client.post(url, data={"items": many, "csrf": csrf})
    assert refused.status_code == 422
    assert "В чек-листе от 1 до 30 пунктов" in refused.text
    huge = await client.post(url, data={"items": "x" * 5000, "csrf": csrf})
    assert huge.status_code == 422
    assert (await client.get(f"/api/checklists/{category.id}")).json()["items"] == []

    saved = await client.post(url, data={"items": TYPED, "csrf": csrf})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/checklists?saved=1#category-{category.id}"
    kept = await world.services.checklists.template(world.owner, category.id)
    assert [(i.text, i.kind, i.required, i.unit) for i in kept] == [
        ("Проверить фильтр", ItemKind.TICK, True, None),
        ("Счётчик", ItemKind.NUMBER, False, "кВт·ч"),
        ("Фото узла", ItemKind.PHOTO, True, None),
    ]
    shown = await client.get("/checklists?saved=1")
    area = re.search(
        rf'<textarea[^>]*id="items-{category.id}"[^>]*>([^<]*)</textarea>', shown.text
    )
    assert area is not None
    assert area.group(1) == "* Проверить фильтр\nСчётчик [number кВт·ч]\n* Фото узла [photo]"
    assert "3 пункта" in shown.text

    again = await client.post(url, data={"items": area.group(1), "csrf": csrf})
    assert again.status_code == 303  # what the page shows saves to the same list
    relisted = await world.services.checklists.template(world.owner, category.id)
    assert [(i.text, i.kind, i.required, i.unit) for i in relisted] == [
        (i.text, i.kind, i.required, i.unit) for i in kept
    ]
    cleared = await client.post(url, data={"items": "\n \n", "csrf": csrf})
    assert cleared.status_code == 303
    assert await world.services.checklists.template(world.owner, category.id) == []
    unknown = await client.post("/checklists/999999", data={"items": TYPED, "csrf": csrf})
    assert unknown.status_code == 404


async def test_an_english_owner_reads_the_page_and_its_refusal_in_english(client, world):
    await world.services.users.set_language(world.owner, "en")
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    category = await _category(world)
    page = await client.get("/checklists")
    assert "Checklists" in page.text and "Items, one per line" in page.text
    assert "Save checklist" in page.text and "0 items" in page.text
    many = "\n".join(f"Item {n}" for n in range(31))
    refused = await client.post(f"/checklists/{category.id}", data={"items": many, "csrf": csrf})
    assert refused.status_code == 422
    assert "A checklist has 1 to 30 items, one per line" in refused.text


async def test_a_worker_may_not_read_or_change_checklists(world):
    with pytest.raises(DomainError) as refused:
        await world.services.checklists.overview(world.worker)
    assert refused.value.code == "forbidden"
