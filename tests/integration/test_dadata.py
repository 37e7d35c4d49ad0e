"""HttpDaDataSuggester against the local DaData fake over real HTTP."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from core.domain import AddressSuggestion
from core.ports import AddressSuggester
from integrations.dadata import HttpDaDataSuggester
from tests.fakes import FakeDaData
from tests.fakes.dadata_addresses import DATA_KEYS

KEY = "test-dadata-key"


@pytest.fixture
async def dadata() -> AsyncIterator[FakeDaData]:
    async with FakeDaData(api_key=KEY) as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def suggester(dadata, client) -> AddressSuggester:
    return HttpDaDataSuggester(client, KEY, base_url=dadata.base_url, timeout=1.0)


async def test_russian_suggestions_with_coordinates(suggester, dadata):
    found = await suggester.suggest("москва сухонская 11", "ru")
    assert found[0] == AddressSuggestion("г Москва, ул Сухонская, д 11", 55.8783675, 37.6537388)
    assert [s.value for s in found] == [
        "г Москва, ул Сухонская, д 11",
        "г Москва, ул Сухонская, д 11, кв 89",
    ]
    (request,) = dadata.requests
    assert request.path == "/suggestions/api/4_1/rs/suggest/address"
    assert request.headers["authorization"] == f"Token {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {"query": "москва сухонская 11", "count": 5, "language": "ru"}


async def test_english_language(suggester, dadata):
    found = await suggester.suggest("Невский 28", "en-US")
    assert found == [
        AddressSuggestion(
            "Russia, gorod Sankt-Peterburg, Nevskiy prospekt, dom 28", 59.935877, 30.325842
        )
    ]
    assert dadata.requests[0].json()["language"] == "en"


async def test_unknown_language_asks_in_russian(suggester, dadata):
    assert await suggester.suggest("малышева", "de")
    assert dadata.requests[0].json()["language"] == "ru"


async def test_count_is_capped_at_twenty(suggester, dadata):
    dadata.addresses = dadata.addresses * 3  # 36 addresses, all in Russia
    found = await suggester.suggest("russia", "en", limit=100)
    assert dadata.requests[0].json()["count"] == 20
    assert len(found) == 20


async def test_limit_is_passed_as_count(suggester, dadata):
    found = await suggester.suggest("москва", "ru", limit=2)
    assert len(found) == 2
    assert dadata.requests[0].json()["count"] == 2


@pytest.mark.parametrize("query", ["", "  ", "мо", " м  ", "x" * 301])
async def test_short_or_absurd_queries_make_no_request(suggester, dadata, query):
    assert await suggester.suggest(query, "ru") == []
    assert dadata.requests == []


async def test_zero_limit_makes_no_request(suggester, dadata):
    assert await suggester.suggest("москва", "ru", limit=0) == []
    assert dadata.requests == []


async def test_whitespace_is_collapsed_before_sending(suggester, dadata):
    await suggester.suggest("  сухонская \n 13 ", "ru")
    assert dadata.requests[0].json()["query"] == "сухонская 13"


async def test_null_coordinates(suggester):
    assert await suggester.suggest("сухонская 13", "ru") == [
        AddressSuggestion("г Москва, ул Сухонская, д 13", None, None)
    ]


async def test_fake_sends_dadatas_full_data_shape(client, dadata):
    response = await client.post(
        f"{dadata.base_url}/suggest/address",
        json={"query": "малышева", "count": 1},
        headers={"Authorization": f"Token {KEY}"},
    )
    (item,) = response.json()["suggestions"]
    assert (
        item["unrestricted_value"] == "620014, Свердловская обл, г Екатеринбург, ул Малышева, д 51"
    )
    assert list(item["data"]) == DATA_KEYS
    data = item["data"]
    assert (data["geo_lat"], data["geo_lon"], data["fias_level"]) == (
        "56.834773",
        "60.614155",
        "8",
    )
    assert data["qc_geo"] == 0 and data["flat"] is None


async def test_quota_exhausted_is_empty_and_logged_without_query_or_key(suggester, dadata, caplog):
    dadata.daily_limit = 1
    caplog.set_level(logging.DEBUG, logger="integrations")
    assert await suggester.suggest("тверская 7", "ru")
    assert await suggester.suggest("льва толстого", "ru") == []
    records = [r for r in caplog.records if r.name == "integrations.dadata"]
    assert [r.getMessage() for r in records] == ["DaData suggest failed: HTTP 403"]
    assert "толстого" not in caplog.text and KEY not in caplog.text


@pytest.mark.parametrize("status", [401, 403, 413, 429, 500, 502, 503])
async def test_http_errors_give_no_suggestions(suggester, dadata, status, caplog):
    dadata.fail_status = status
    assert await suggester.suggest("москва", "ru") == []
    assert f"HTTP {status}" in caplog.text


async def test_wrong_key_is_refused(client, dadata):
    wrong = HttpDaDataSuggester(client, "not-the-key", base_url=dadata.base_url)
    assert await wrong.suggest("москва", "ru") == []
    anonymous = await client.post(f"{dadata.base_url}/suggest/address", json={"query": "москва"})
    assert anonymous.status_code == 401
    assert anonymous.json()["family"] == "CLIENT_ERROR"


async def test_timeout_gives_no_suggestions(client, dadata, caplog):
    dadata.delay = 5.0
    impatient = HttpDaDataSuggester(client, KEY, base_url=dadata.base_url, timeout=0.1)
    assert await impatient.suggest("москва", "ru") == []
    assert "DaData suggest failed: ReadTimeout" in caplog.text


async def test_unreachable_service_gives_no_suggestions(client, caplog):
    async with FakeDaData(api_key=KEY) as gone:
        url = gone.base_url
    assert await HttpDaDataSuggester(client, KEY, base_url=url).suggest("москва", "ru") == []
    assert "ConnectError" in caplog.text


async def test_malformed_json_gives_no_suggestions(suggester, dadata, caplog):
    dadata.malformed = True
    assert await suggester.suggest("москва", "ru") == []
    assert "HTTP 200 with JSONDecodeError" in caplog.text


async def test_unexpected_shapes_are_tolerated(client):
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=next(bodies))

    bodies = iter(
        [
            {"suggestions": "none"},
            {"suggestions": [None, {"value": ""}, {"value": "г Омск", "data": None}]},
            {"suggestions": [{"value": "A", "data": {"geo_lat": "95.1", "geo_lon": "37"}}]},
            {"suggestions": [{"value": "B", "data": {"geo_lat": 55.1, "geo_lon": "x"}}]},
        ]
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as mocked:
        suggester = HttpDaDataSuggester(mocked, KEY)
        assert await suggester.suggest("омск", "ru") == []
        assert await suggester.suggest("омск", "ru") == [AddressSuggestion("г Омск")]
        assert await suggester.suggest("омск", "ru") == [AddressSuggestion("A")]
        assert await suggester.suggest("омск", "ru") == [AddressSuggestion("B")]
