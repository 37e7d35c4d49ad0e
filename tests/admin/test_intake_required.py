"""Issue 21, item 4: the organization chooses in the settings form which fields the website
form requires (e-mail, address, preferred time, comment) and the floating button's icon;
the catalogue tells the widget (with the time zone and the booking horizon); the server
refuses a request missing a required field with 422 field errors, and a preferred time in
the past or past the horizon. SQLite and PostgreSQL."""

from __future__ import annotations

import html

from tests.admin.test_intake_api import (
    ORDERS,
    SITE,
    _body,
    _from,
    container,
    dadata,
    site,
    world,
)
from tests.admin.test_working_hours_http import _signed_in_as

__all__ = ["container", "dadata", "site", "world"]


async def test_the_owner_chooses_required_fields_and_the_icon(client, world):
    services, owner = world.services, world.owner
    _, csrf = await _signed_in_as(client, services, owner)
    page = await client.get("/settings")
    assert "Обязательные поля формы" in page.text and "Значок плавающей кнопки" in page.text
    data = {
        "csrf": csrf, "enabled": "1", "state": "draft", "origins": SITE,
        "required_email": "1", "required_preferred_time": "1", "icon": "phone",
    }  # fmt: skip
    assert (await client.post("/settings/intake", data=data)).status_code == 303
    view = await services.intake_settings.view(owner)
    assert view.settings.required == ("email", "preferred_time")
    assert view.settings.icon == "phone"
    assert 'button-icon="phone"' in html.unescape((await client.get("/settings")).text)
    wrong = await client.post("/settings/intake", data={**data, "icon": "skull"})
    assert wrong.status_code == 422
    assert (await services.intake_settings.view(owner)).settings.icon == "phone"


async def test_required_fields_and_the_preferred_time_are_enforced(client, world, site):
    services, owner = world.services, world.owner
    await services.intake_settings.configure(
        owner, True, "draft", [SITE], ["email", "address", "preferred_time"], "calendar"
    )
    headers = {"X-Widget-Key": site, "Origin": SITE}
    form = (await client.get("/api/public/v1/catalogue", headers=headers)).json()["form"]
    assert form == {
        "required": ["email", "address", "preferredAt"],
        "timeZone": "Europe/Moscow",
        "horizonDays": 60,
        "buttonIcon": "calendar",
    }
    async with _from(client, "10.0.3.1") as web:
        refused = await web.post(ORDERS, json=_body(description=""), headers=headers)
    assert refused.status_code == 422
    assert set(refused.json()["fieldErrors"]) == {"email", "address", "preferredAt"}
    full = _body(
        description="", email="vera@example.com", address="Тверская, 1",
        preferredAt="2026-03-05T10:00:00+03:00",
    )  # fmt: skip
    async with _from(client, "10.0.3.2") as web:
        past = await web.post(ORDERS, json={**full, "preferredAt": "2026-03-01T10:00:00+03:00"},
                              headers=headers)  # fmt: skip
        far = await web.post(ORDERS, json={**full, "preferredAt": "2026-06-01T10:00:00+03:00"},
                             headers=headers)  # fmt: skip
        made = await web.post(ORDERS, json=full, headers=headers)
    assert past.status_code == 422 and "preferredAt" in past.json()["fieldErrors"]
    assert far.json()["fieldErrors"] == {"preferredAt": ["Choose a time within the next 60 days."]}
    assert made.status_code == 201, made.text  # the comment is not required now
    order = (await services.orders.by_number(owner, made.json()["number"])).order
    assert order.description == "Мойка окон"
    assert order.scheduled_at is not None and order.scheduled_at.hour == 7  # 10:00 MSK in UTC
    # By default the comment is required, as before.
    await services.intake_settings.configure(owner, True, "draft", [SITE], ["comment"])
    async with _from(client, "10.0.3.3") as web:
        bare = await web.post(ORDERS, json=_body(description=""), headers=headers)
    assert bare.json()["fieldErrors"] == {"description": ["Please fill this in."]}
