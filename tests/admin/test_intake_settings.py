"""Issue 21, item 1: an owner switches website requests on in the settings page, chooses the
state and the allowed websites, gets a public key and an embed snippet, and may make a new
key (the old one then names nobody). Stored in org_setting; SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest

from core.errors import DomainError
from core.intake.model import normalize_origin, parse_key
from tests.admin.test_client_page import world as page_world
from tests.admin.test_working_hours_http import _signed_in_as

world = page_world
KEY = re.compile(r'data-testid="intake-key">(pk_live_[^<]+)<')


def test_origins_are_exact_and_normalized():
    assert normalize_origin(" HTTPS://Shop.Example.com/ ") == "https://shop.example.com"
    assert normalize_origin("http://localhost:8080") == "http://localhost:8080"
    assert normalize_origin("https://пример.рф") == "https://xn--e1afmkfd.xn--p1ai"
    for wrong in (
        "example.com",
        "ftp://example.com",
        "https://example.com/page",
        "https://*.example.com",
        "https://user@example.com",
        "https://example.com?x=1",
        "https://example.com:99999",
    ):
        with pytest.raises(DomainError) as error:
            normalize_origin(wrong)
        assert error.value.code == "intake_origin_invalid", wrong


def test_keys_name_the_organization():
    assert parse_key("pk_live_12_abc") == (12, "abc")
    for wrong in (
        None,
        "",
        "pk_live_",
        "pk_live_x_abc",
        "pk_live_12_",
        "sk_live_12_a",
        "pk_live_١_a",
    ):
        assert parse_key(wrong) is None, wrong


async def test_the_settings_form_enables_intake_and_shows_key_and_snippet(client, world):
    services, owner = world.services, world.owner
    _, csrf = await _signed_in_as(client, services, owner)
    page = await client.get("/settings")
    assert "Заявки с сайта" in page.text and "Принимать заявки с сайтов" in page.text
    assert KEY.search(page.text) is None  # no key before the first save
    assert await services.intake_settings.find("pk_live_1_x") is None
    forged = await client.post("/settings/intake", data={"enabled": "1", "state": "draft"})
    assert forged.status_code == 403
    bad = {"csrf": csrf, "enabled": "1", "state": "draft", "origins": "https://a.example/x"}
    refused = await client.post("/settings/intake", data=bad)
    assert refused.status_code == 422 and "не адрес сайта" in refused.text
    assert (await services.intake_settings.view(owner)).public_key == ""
    data = {
        "csrf": csrf,
        "enabled": "1",
        "state": "distributing",
        "origins": "https://shop.example\r\nHTTPS://SHOP.example/\r\n\r\nhttp://localhost:8000",
    }
    saved = await client.post("/settings/intake", data=data)
    assert saved.status_code == 303
    view = await services.intake_settings.view(owner)
    assert view.settings.enabled and view.settings.state == "distributing"
    assert view.settings.origins == ("https://shop.example", "http://localhost:8000")
    shown = await client.get("/settings")
    key = KEY.search(shown.text).group(1)
    assert key == view.public_key and key.startswith(f"pk_live_{owner.organization.id}_")
    snippet = html.unescape(shown.text)
    assert (
        '<astra-order-widget mode="floating" api-url="http://admin.test/api/public/v1"' in snippet
    )
    assert f'api-key="{key}"' in snippet and "/widget/v1/astra-widget.js" in snippet
    found = await services.intake_settings.find(key)
    assert found is not None and found.organization.id == owner.organization.id
    assert await services.intake_settings.find(key + "x") is None
    renewed = await client.post("/settings/intake/key", data={"csrf": csrf})
    assert renewed.status_code == 303
    new = (await services.intake_settings.view(owner)).public_key
    assert new != key and await services.intake_settings.find(key) is None
    assert await services.intake_settings.find(new) is not None
    off = await client.post("/settings/intake", data={"csrf": csrf, "state": "draft"})
    assert off.status_code == 303 and await services.intake_settings.find(new) is None
    assert (await services.intake_settings.view(owner)).public_key == new  # kept while off
    entries = await services.audit.page(owner)
    assert sum(e.data.get("name") == "intake" for e in entries.items) == 3


async def test_a_worker_and_a_manager_cannot_configure_intake(world):
    with pytest.raises(DomainError) as error:
        await world.services.intake_settings.configure(world.worker, True, "draft", [])
    assert error.value.code == "forbidden"


async def test_an_english_owner_reads_the_form_in_english(client, world):
    await world.services.users.set_language(world.owner, "en")
    _, csrf = await _signed_in_as(client, world.services, world.owner)
    page = await client.get("/settings")
    assert "Website requests" in page.text and "Accept requests from websites" in page.text
    bad = {
        "csrf": csrf,
        "state": "draft",
        "origins": "\n".join(f"https://{n}.ex" for n in range(21)),
    }
    refused = await client.post("/settings/intake", data=bad)
    assert refused.status_code == 422 and "At most 20 websites can be listed." in refused.text
