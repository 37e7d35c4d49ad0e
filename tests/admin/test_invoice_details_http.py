"""Issue 20, item 6: the organization's invoice details through the API (owners; a wrong
INN, KPP, BIK or account refused with a localized message, nothing kept; digits given with
spaces kept without). SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from core.invoices.requisites import Requisites
from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
GOOD = {
    "legal_name": 'ООО "Чистый дом"',
    "inn": "7707 083893",
    "kpp": "773601001",
    "address": "Москва, ул. Тверская, 1",
    "bank_name": "ПАО Сбербанк",
    "bik": "044525225",
    "account": "40702810400000000001",
    "corr_account": "30101810400000000225",
}


async def test_owners_set_the_invoice_details(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    headers = {"X-CSRF-Token": csrf}
    empty = await client.get("/api/settings/invoice-details")
    assert empty.status_code == 200 and empty.json()["inn"] == ""
    for field, wrong in (("inn", "7707083894"), ("kpp", "7736"), ("bik", "04452522X"),
                         ("account", "4070281040000000000")):  # fmt: skip
        refused = await client.put(
            "/api/settings/invoice-details", json={**GOOD, field: wrong}, headers=headers
        )
        assert 400 <= refused.status_code < 500, field
    assert (await world.services.invoices.requisites(world.owner)).empty  # nothing kept
    saved = await client.put("/api/settings/invoice-details", json=GOOD, headers=headers)
    assert saved.status_code == 200 and saved.json()["inn"] == "7707083893"
    kept = await world.services.invoices.requisites(world.owner)
    assert kept == Requisites(**{**GOOD, "inn": "7707083893"})


async def test_the_refusal_names_the_field_in_russian(client, world):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    refused = await client.put(
        "/api/settings/invoice-details",
        json={**GOOD, "inn": "1234567890"},
        headers={"X-CSRF-Token": csrf, "Accept-Language": "ru"},
    )
    assert 400 <= refused.status_code < 500
    assert "ИНН должен состоять из 10 или 12 цифр" in refused.text


async def test_a_worker_cannot_see_them(world):
    with pytest.raises(DomainError) as error:
        await world.services.invoices.requisites(world.worker)
    assert error.value.code == "forbidden"
