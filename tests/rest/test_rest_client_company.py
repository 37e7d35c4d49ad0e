"""/api/v1/clients and company details on both databases against the DaData fake: create and
PATCH by INN (looked up: the head office, or a branch by KPP) or with explicit fields
(checked), read back on GET and in lists, null removes; a wrong INN is 422 and DaData failing
is 503, with nothing written either way."""

from __future__ import annotations

import httpx
import pytest

from tests.fakes import FakeDaData
from tests.rest.support import keyed

KEY = "rest-dadata-key"
PROBLEM = "application/problem+json"


@pytest.fixture
async def dadata():
    async with FakeDaData(api_key=KEY) as fake:
        yield fake


@pytest.fixture
async def container(db_url, bank, clock, dadata):
    from bot.container import build_container
    from tests.admin.support import admin_settings

    settings = admin_settings(
        database_url=db_url,
        tbank_base_url=bank.base_url,
        dadata_api_key=KEY,
        dadata_base_url=dadata.base_url,
    )
    built = build_container(settings, clock)
    yield built
    await built.close()


@pytest.fixture
async def client(container):
    from bot.admin.app import build_admin_app

    transport = httpx.ASGITransport(app=build_admin_app(container), client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://admin.test") as web:
        yield web


async def test_create_by_inn_read_patch_and_remove(client, container, clock, dadata):
    _, headers = await keyed(container.services)
    body = {"name": "Бухгалтерия Сбера", "company": {"inn": "7707083893"}}
    made = await client.post("/api/v1/clients", json=body, headers=headers)
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["kind"] == "company"
    assert out["company"] == {
        "inn": "7707083893",
        "kpp": "773601001",
        "ogrn": "1027700132195",
        "name": 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"',
        "short_name": 'ПАО "СБЕРБАНК"',
        "legal_address": "117312, г Москва, ул Вавилова, д 19",
        "status": "ACTIVE",
        "liquidation_date": None,
        "individual": False,
        "branch": "MAIN",
        "flagged": False,
        "checked_at": clock.now().isoformat().replace("+00:00", "Z"),
    }
    assert dadata.requests[-1].json() == {"query": "7707083893", "count": 20,
                                          "branch_type": "MAIN"}  # fmt: skip
    url = f"/api/v1/clients/{out['id']}"
    got = await client.get(url, headers=headers)
    assert got.json() == out
    listed = await client.get("/api/v1/clients", headers=headers)
    assert listed.json()["items"][0]["company"]["inn"] == "7707083893"

    branch = {"company": {"inn": "7707083893", "kpp": "667102008"}}
    patched = await client.patch(url, json=branch, headers=headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["company"]["branch"] == "BRANCH"
    assert patched.json()["company"]["legal_address"].startswith("620026, г Екатеринбург")

    liquidated = await client.patch(url, json={"company": {"inn": "6608123455"}}, headers=headers)
    assert liquidated.json()["company"]["flagged"] is True
    assert liquidated.json()["company"]["liquidation_date"] == "2022-01-01"

    removed = await client.patch(url, json={"company": None}, headers=headers)
    assert removed.json()["kind"] == "person" and removed.json()["company"] is None


async def test_explicit_fields_are_checked_and_kept_as_given(client, container, dadata):
    _, headers = await keyed(container.services)
    company = {"inn": "7730123456", "kpp": "773001001", "name": "ООО «Ромашка»",
               "legal_address": "Москва, Тверская, 7", "ogrn": "1027730123453"}  # fmt: skip
    made = await client.post("/api/v1/clients", json={"name": "Ромашка", "company": company},
                             headers=headers)  # fmt: skip
    assert made.status_code == 201, made.text
    out = made.json()["company"]
    assert (out["name"], out["legal_address"], out["checked_at"], out["status"]) == (
        "ООО «Ромашка»", "Москва, Тверская, 7", None, None)  # fmt: skip
    assert dadata.requests == []  # nothing looked up


@pytest.mark.parametrize(
    ("company", "code"),
    [
        ({"inn": "7707083894"}, "inn_invalid"),
        ({"inn": "7730123456", "name": "X", "kpp": "12"}, "kpp_invalid"),
        ({"inn": "7730123456", "name": "X", "ogrn": "1027730123454"}, "ogrn_invalid"),
        ({"inn": "7730123456", "name": " "}, "company_name_empty"),
        ({"inn": "7736050003"}, "company_not_found"),
    ],
)
async def test_wrong_details_are_422_and_nothing_is_made(client, container, company, code):
    _, headers = await keyed(container.services)
    refused = await client.post("/api/v1/clients", json={"name": "X", "company": company},
                                headers=headers)  # fmt: skip
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == code
    assert (await client.get("/api/v1/clients", headers=headers)).json()["items"] == []


async def test_dadata_failing_is_503_and_the_client_unchanged(client, container, dadata):
    _, headers = await keyed(container.services)
    made = await client.post("/api/v1/clients", json={"name": "Анна"}, headers=headers)
    url = f"/api/v1/clients/{made.json()['id']}"
    dadata.fail_status = 502
    failed = await client.patch(url, json={"name": "Анна П.", "company": {"inn": "7707083893"}},
                                headers=headers)  # fmt: skip
    assert failed.status_code == 503 and failed.json()["code"] == "dadata_unavailable"
    dadata.fail_status, dadata.daily_limit = None, 0
    refused = await client.patch(url, json={"company": {"inn": "7707083893"}}, headers=headers)
    assert refused.status_code == 503 and refused.json()["code"] == "dadata_refused"
    after = (await client.get(url, headers=headers)).json()
    assert (after["name"], after["company"]) == ("Анна", None)
