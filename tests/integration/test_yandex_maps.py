"""HttpStaticMaps against the local Static API fake over real HTTP."""

from __future__ import annotations

import logging
import struct
import zlib
from collections.abc import AsyncIterator

import httpx
import pytest

from core.ports import StaticMaps
from integrations.yandex_maps import HttpStaticMaps
from tests.fakes import FakeStaticMaps, png

KEY = "test-maps-key"


@pytest.fixture
async def maps() -> AsyncIterator[FakeStaticMaps]:
    async with FakeStaticMaps(api_key=KEY) as fake:
        yield fake


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def previews(maps, client) -> StaticMaps:
    return HttpStaticMaps(client, KEY, base_url=maps.base_url)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height, after checking every chunk's CRC and that the pixels inflate."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, {}
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        offset += 12 + length
    width, height = struct.unpack(">II", chunks[b"IHDR"][:8])
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)
    assert b"IEND" in chunks
    return width, height


async def test_preview_is_a_png_of_the_configured_size(previews, maps):
    image = await previews.preview(55.8783675, 37.6537388)
    assert image is not None
    assert png_size(image) == (450, 300)
    (request,) = maps.requests
    assert request.path == "/v1"
    assert request.query == {
        "apikey": KEY,
        "ll": "37.653739,55.878368",
        "z": "16",
        "size": "450,300",
        "pt": "37.653739,55.878368,pm2rdm",
        "lang": "ru_RU",
    }


async def test_size_and_zoom_are_configurable(client, maps):
    large = HttpStaticMaps(client, KEY, base_url=maps.base_url, size=(650, 450), zoom=12)
    image = await large.preview(-33.8688, 151.2093)
    assert image is not None and png_size(image) == (650, 450)
    assert maps.requests[0].query["ll"] == "151.209300,-33.868800"
    assert maps.requests[0].query["z"] == "12"


@pytest.mark.parametrize(
    ("size", "zoom"), [((651, 300), 16), ((450, 451), 16), ((0, 1), 16), ((450, 300), 22)]
)
def test_impossible_settings_are_refused_at_construction(client, size, zoom):
    with pytest.raises(ValueError):
        HttpStaticMaps(client, KEY, size=size, zoom=zoom)


async def test_wrong_key_gives_none_and_logs_no_key(client, maps, caplog):
    # httpx itself logs request URLs (key included) at INFO; bot/logs.py keeps it at WARNING.
    caplog.set_level(logging.DEBUG, logger="integrations")
    wrong = HttpStaticMaps(client, "not-the-key", base_url=maps.base_url)
    assert await wrong.preview(55.75, 37.62) is None
    records = [r for r in caplog.records if r.name == "integrations.yandex_maps"]
    assert [r.getMessage() for r in records] == ["Yandex static map failed: HTTP 403"]
    assert "not-the-key" not in caplog.text


async def test_invalid_coordinates_make_no_request(previews, maps):
    assert await previews.preview(95.0, 37.0) is None
    assert await previews.preview(55.0, float("nan")) is None
    assert maps.requests == []


@pytest.mark.parametrize("status", [400, 403, 429, 500, 503])
async def test_errors_give_none(previews, maps, status, caplog):
    maps.fail_status = status
    assert await previews.preview(55.75, 37.62) is None
    assert f"HTTP {status}" in caplog.text


async def test_a_200_that_is_not_a_png_gives_none(previews, maps):
    maps.content_type = "text/html"
    maps.body = b"<html>captcha</html>"
    assert await previews.preview(55.75, 37.62) is None
    maps.content_type = "image/png"
    assert await previews.preview(55.75, 37.62) is None, "a PNG content type but no PNG"
    maps.body = png()
    maps.content_type = "image/png; charset=binary"
    assert await previews.preview(55.75, 37.62) == png()


async def test_timeout_gives_none(client, maps, caplog):
    maps.delay = 5.0
    impatient = HttpStaticMaps(client, KEY, base_url=maps.base_url, timeout=0.1)
    assert await impatient.preview(55.75, 37.62) is None
    assert "Yandex static map failed: ReadTimeout" in caplog.text


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"apikey": KEY, "ll": "37.62,55.75"}, 200),
        ({"ll": "37.62,55.75"}, 403),
        ({"apikey": KEY}, 400),
        ({"apikey": KEY, "ll": "55.75"}, 400),
        ({"apikey": KEY, "ll": "37.62,95.75"}, 400),
        ({"apikey": KEY, "ll": "190.1,55.75"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "size": "651,450"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "size": "650,451"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "z": "22"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "pt": "37.62,55.75,pm2rdm~37.6,55.7,pmwtm99"}, 200),
        ({"apikey": KEY, "ll": "37.62,55.75", "pt": "37.62,55.75,pm2purple"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "pt": "37.62"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "lang": "xx_XX"}, 400),
        ({"apikey": KEY, "ll": "37.62,55.75", "scale": "5"}, 400),
    ],
)
async def test_fake_validates_like_the_static_api(client, maps, params, status):
    response = await client.get(maps.base_url, params=params)
    assert response.status_code == status
    if status == 200:
        assert response.headers["content-type"] == "image/png"
        assert png_size(response.content) == (600, 450)
