"""Issue 20, item 6: the invoice details on the admin settings page, a plain form posted with
the session's CSRF token in one unit of work: a wrong INN is refused on the page in the
owner's language with nothing saved (no audit record either), a good form is saved as the API
reads it back (digits typed with spaces kept without). SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.invoices.requisites import Requisites
from storage.tables import AuditEventRow
from tests.admin.test_client_page import world as page_world
from tests.admin.test_invoice_details_http import GOOD
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
PATH = "/settings/invoice-details"


def _form(**given: str) -> dict[str, str]:
    return {f"inv_{name}": value for name, value in {**GOOD, **given}.items()}


async def _audits(container) -> int:
    async with container.engine.connect() as connection:
        return int(
            await connection.scalar(select(func.count()).select_from(AuditEventRow.__table__))
        )


async def test_the_owner_sets_the_invoice_details_on_the_settings_page(client, world, container):
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Реквизиты для счетов" in page.text and 'data-testid="invoice-details"' in page.text
    assert re.search(r'name="inv_inn"[^>]*value=""', page.text)
    audits = await _audits(container)

    forged = await client.post(PATH, data=_form())
    assert forged.status_code == 403
    refused = await client.post(PATH, data={**_form(inn="7707083894"), "csrf": csrf})
    assert refused.status_code == 422
    assert "ИНН должен состоять из 10 или 12 цифр" in refused.text, refused.text
    assert (await world.services.invoices.requisites(world.owner)).empty
    assert await _audits(container) == audits  # nothing of a refusal is kept

    saved = await client.post(PATH, data={**_form(), "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    kept = await world.services.invoices.requisites(world.owner)
    assert kept == Requisites(**{**GOOD, "inn": "7707083893"})
    shown = await client.get("/settings?saved=1")
    assert re.search(r'name="inv_inn"[^>]*value="7707083893"', shown.text)
    assert "ООО &quot;Чистый дом&quot;" in shown.text or 'ООО "Чистый дом"' in shown.text
    api = (await client.get("/api/settings/invoice-details")).json()
    assert api["bik"] == "044525225" and api["account"] == "40702810400000000001"
