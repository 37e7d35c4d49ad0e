"""The Zadarma API adapter against the local PBX fake: signed recording requests, downloads,
refusals and outages as retryable or not, and logs without secrets or links."""

import logging

import httpx
import pytest

from core.errors import ExternalServiceError
from integrations.zadarma import HttpZadarma, authorization, sorted_query
from tests.fakes.zadarma import FakeZadarma

AUDIO = b"OggS" + b"\x00" * 60


@pytest.fixture
async def pbx():
    async with FakeZadarma(api_key="zd-key", api_secret="zd-secret") as fake:
        fake.recordings["1737371000.123456"] = AUDIO
        yield fake


@pytest.fixture
async def client():
    async with httpx.AsyncClient() as http:
        yield http


def test_the_authorization_header_is_computed_the_documented_way():
    # sorted, RFC 1738 encoded query; md5 of it appended; Base64 of the hex HMAC-SHA1
    params = {"format": "json", "call_id": "1.2 3"}
    assert sorted_query(params) == "call_id=1.2+3&format=json"
    fake = FakeZadarma(api_key="k", api_secret="s")
    path = "/v1/pbx/record/request/"
    assert authorization("k", "s", path, params) == fake.authorization(path, params)


async def test_a_recording_is_fetched(pbx, client):
    api = HttpZadarma(client, "zd-key", "zd-secret", pbx.url)
    link = await api.recording_link("1737371000.123456")
    assert link.startswith(pbx.url)
    assert await api.download(link) == AUDIO
    request = pbx.requests[0]
    assert request.query == {"call_id": "1737371000.123456", "format": "json"}
    assert request.headers["authorization"].startswith("zd-key:")


async def test_wrong_credentials_are_not_retried(pbx, client):
    api = HttpZadarma(client, "zd-key", "wrong", pbx.url)
    with pytest.raises(ExternalServiceError) as caught:
        await api.recording_link("1737371000.123456")
    assert not caught.value.retryable


async def test_a_recording_not_ready_yet_is_retried(pbx, client):
    api = HttpZadarma(client, "zd-key", "zd-secret", pbx.url)
    with pytest.raises(ExternalServiceError) as caught:
        await api.recording_link("no-such-call")
    assert caught.value.retryable


async def test_an_outage_is_retried(pbx, client):
    pbx.fail_status = 503
    api = HttpZadarma(client, "zd-key", "zd-secret", pbx.url)
    with pytest.raises(ExternalServiceError) as caught:
        await api.recording_link("1737371000.123456")
    assert caught.value.retryable


async def test_an_unreachable_api_is_retried(client):
    api = HttpZadarma(client, "zd-key", "zd-secret", "http://127.0.0.1:9")
    with pytest.raises(ExternalServiceError) as caught:
        await api.recording_link("1")
    assert caught.value.retryable


async def test_logs_hold_no_secret_or_link(pbx, client, caplog):
    """Our own records (httpx's request lines are silenced in production, bot/logs.py)."""
    caplog.set_level(logging.DEBUG, logger="integrations.zadarma")
    api = HttpZadarma(client, "zd-key", "zd-secret", pbx.url)
    link = await api.recording_link("1737371000.123456")
    await api.download(link)
    with pytest.raises(ExternalServiceError):
        await api.download(link + "-gone")
    with pytest.raises(ExternalServiceError):
        await HttpZadarma(client, "zd-key", "bad", pbx.url).recording_link("1737371000.123456")
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("integrations")]
    assert ours, "the failures were logged"
    text = " ".join(ours) + repr(api)
    assert "zd-secret" not in text and link not in text and "1737371000" not in text
