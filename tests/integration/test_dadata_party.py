"""HttpDaDataParties against the local DaData fake over real HTTP: findById/party (a company
and its branches), suggest/party, and every way it fails, told apart and never logged with
the query or the key."""

from __future__ import annotations

import logging
from datetime import date

import httpx
import pytest

from core.companies.model import CompanyStatus, RegistryError, RegistryFailure
from integrations.dadata_party import HttpDaDataParties
from tests.fakes import FakeDaData
from tests.integration.test_dadata import KEY, client, dadata  # the same peer and client

__all__ = ["client", "dadata"]


@pytest.fixture
def parties(dadata, client) -> HttpDaDataParties:
    return HttpDaDataParties(client, KEY, base_url=dadata.base_url, timeout=1.0)


async def test_find_by_inn_gives_the_head_office_and_its_branches(parties, dadata):
    found = await parties.find_by_id("7707083893")
    assert [(c.kpp, c.branch) for c in found] == [
        ("773601001", "MAIN"),
        ("540602001", "BRANCH"),
        ("667102008", "BRANCH"),
    ]
    head = found[0]
    assert head.name == 'ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"'
    assert head.address == "117312, г Москва, ул Вавилова, д 19"
    assert head.ogrn == "1027700132195" and head.status is CompanyStatus.ACTIVE
    (request,) = dadata.requests
    assert request.path == "/suggestions/api/4_1/rs/findById/party"
    assert request.headers["authorization"] == f"Token {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"query": "7707083893", "count": 20}


async def test_the_head_office_only_or_one_branch_by_kpp(parties, dadata):
    (head,) = await parties.find_by_id("7707083893", main_only=True)
    assert head.kpp == "773601001"
    assert dadata.requests[-1].json()["branch_type"] == "MAIN"
    (branch,) = await parties.find_by_id("1027700132195", kpp="667102008")
    assert branch.address == "620026, г Екатеринбург, ул Куйбышева, д 67"
    assert dadata.requests[-1].json() == {"query": "1027700132195", "count": 20,
                                          "kpp": "667102008"}  # fmt: skip


async def test_a_liquidated_company_and_a_sole_trader(parties):
    (vector,) = await parties.find_by_id("6608123455")
    assert vector.status is CompanyStatus.LIQUIDATED and vector.flagged
    assert vector.liquidation_date == date(2022, 1, 1)
    (sole,) = await parties.find_by_id("319774600123453")
    assert sole.individual and sole.kpp is None and sole.inn == "771234567859"


async def test_suggest_by_name(parties, dadata):
    found = await parties.suggest("ромашка")
    assert [(c.label, c.status) for c in found] == [
        ('ООО "РОМАШКА"', CompanyStatus.ACTIVE),
        ('ООО "РОМАШКА ПЛЮС"', CompanyStatus.BANKRUPT),
    ]
    assert dadata.requests[-1].path.endswith("/suggest/party")
    assert dadata.requests[-1].json() == {"query": "ромашка", "count": 5}
    assert [c.label for c in await parties.suggest("ромашка", limit=1)] == ['ООО "РОМАШКА"']
    assert dadata.requests[-1].json()["count"] == 1


async def test_counts_are_capped_as_dadata_caps_them(parties, dadata):
    await parties.suggest("сбер", limit=100)
    assert dadata.requests[-1].json()["count"] == 20
    await parties.find_by_id("7707083893", limit=1000)
    assert dadata.requests[-1].json()["count"] == 300


async def test_nothing_found_is_an_empty_list(parties):
    assert await parties.find_by_id("7736050003") == []
    assert await parties.suggest("несуществующая фирма") == []


async def test_a_wrong_key_is_refused(client, dadata, caplog):
    wrong = HttpDaDataParties(client, "not-the-key", base_url=dadata.base_url)
    with pytest.raises(RegistryError) as failed:
        await wrong.find_by_id("7707083893")
    assert failed.value.failure is RegistryFailure.REFUSED
    assert "DaData findById/party failed: HTTP 403" in caplog.text
    anonymous = await client.post(f"{dadata.base_url}/findById/party", json={"query": "1"})
    assert anonymous.status_code == 401


async def test_the_used_up_quota_is_refused_and_never_logged_with_key_or_query(
    parties, dadata, caplog
):
    dadata.daily_limit = 0
    caplog.set_level(logging.DEBUG, logger="integrations")
    with pytest.raises(RegistryError) as failed:
        await parties.find_by_id("771234567859")
    assert failed.value.failure is RegistryFailure.REFUSED
    assert KEY not in caplog.text and "771234567859" not in caplog.text


async def test_too_many_requests(parties, dadata):
    dadata.rate_limited = True
    with pytest.raises(RegistryError) as failed:
        await parties.suggest("ромашка")
    assert failed.value.failure is RegistryFailure.BUSY


@pytest.mark.parametrize("status", [400, 413, 500, 502, 503])
async def test_other_errors_are_unavailable(parties, dadata, status):
    dadata.fail_status = status
    with pytest.raises(RegistryError) as failed:
        await parties.find_by_id("7707083893")
    assert failed.value.failure is RegistryFailure.UNAVAILABLE


async def test_timeout_and_unreachable_and_malformed(client, dadata, caplog):
    dadata.delay = 5.0
    impatient = HttpDaDataParties(client, KEY, base_url=dadata.base_url, timeout=0.1)
    with pytest.raises(RegistryError) as failed:
        await impatient.find_by_id("7707083893")
    assert failed.value.failure is RegistryFailure.UNAVAILABLE
    assert "DaData findById/party failed: ReadTimeout" in caplog.text
    async with FakeDaData(api_key=KEY) as gone:
        url = gone.base_url
    with pytest.raises(RegistryError):
        await HttpDaDataParties(client, KEY, base_url=url).suggest("ромашка")
    assert "ConnectError" in caplog.text

    async def cut(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b'{"suggestions": [{"value"', headers={
            "content-type": "application/json"})  # fmt: skip

    async with httpx.AsyncClient(transport=httpx.MockTransport(cut)) as mocked:
        with pytest.raises(RegistryError):
            await HttpDaDataParties(mocked, KEY).suggest("ромашка")
    assert "HTTP 200 with JSONDecodeError" in caplog.text


async def test_the_fake_checks_its_filters(client, dadata):
    headers = {"Authorization": f"Token {KEY}"}
    bad = await client.post(f"{dadata.base_url}/findById/party", headers=headers,
                            json={"query": "7707083893", "branch_type": "HEAD"})  # fmt: skip
    assert bad.status_code == 400
    only_legal = await client.post(f"{dadata.base_url}/suggest/party", headers=headers,
                                   json={"query": "77", "type": "INDIVIDUAL"})  # fmt: skip
    assert [s["data"]["inn"] for s in only_legal.json()["suggestions"]] == ["771234567859"]
