"""Yandex Maps links: coordinate order, encoding, and what happens without data."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.maps import lon_lat, map_link, valid_coordinates

SUKHONSKAYA = "г Москва, ул Сухонская, д 11"
# An address search link as Yandex documents it, byte for byte (docs/protocols.md).
SUKHONSKAYA_SEARCH = (
    "https://yandex.ru/maps/?text=%D0%B3%20%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0%2C%20"
    "%D1%83%D0%BB%20%D0%A1%D1%83%D1%85%D0%BE%D0%BD%D1%81%D0%BA%D0%B0%D1%8F%2C%20%D0%B4%2011"
)


def test_placemark_puts_longitude_first():
    link = map_link(SUKHONSKAYA, 55.8783675, 37.6537388)
    assert link == "https://yandex.ru/maps/?pt=37.653739,55.878368&z=17&l=map"


def test_coordinates_win_over_the_address():
    assert map_link(None, 59.935877, 30.325842) == (
        "https://yandex.ru/maps/?pt=30.325842,59.935877&z=17&l=map"
    )


def test_address_search_when_coordinates_are_unknown():
    assert map_link(SUKHONSKAYA, None, None) == SUKHONSKAYA_SEARCH
    assert map_link(SUKHONSKAYA, 55.87, None) == SUKHONSKAYA_SEARCH, "half a point is no point"


def test_address_with_query_syntax_stays_one_parameter():
    link = map_link("Дом & Сад, кв 5?a=1#x", None, None)
    assert link is not None
    assert "&" not in link.split("?", 1)[1]
    assert parse_qs(urlsplit(link).query) == {"text": ["Дом & Сад, кв 5?a=1#x"]}


def test_whitespace_in_addresses_is_collapsed():
    assert map_link("  г Москва,\n ул Сухонская,\tд 11 ", None, None) == SUKHONSKAYA_SEARCH


@pytest.mark.parametrize("address", [None, "", "  \n "])
def test_nothing_known_gives_no_link(address):
    assert map_link(address, None, None) is None


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91.0, 37.0), (-90.5, 37.0), (55.0, 180.5), (55.0, -181.0), (math.nan, 37.0), (55, math.inf)],
)
def test_invalid_coordinates_fall_back_to_the_address(lat, lon):
    assert map_link(SUKHONSKAYA, lat, lon) == SUKHONSKAYA_SEARCH
    assert map_link(None, lat, lon) is None


def test_edges_and_tiny_values_are_plain_decimals():
    assert valid_coordinates(90, 180) and valid_coordinates(-90, -180)
    assert lon_lat(-0.0000001, 1e-7) == "0.000000,0.000000"
    assert map_link(None, -33.8688, 151.2093) == (
        "https://yandex.ru/maps/?pt=151.209300,-33.868800&z=17&l=map"
    )


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_placemark_round_trips_within_a_micro_degree(lat, lon):
    link = map_link(None, lat, lon)
    assert link is not None
    lon_text, lat_text = parse_qs(urlsplit(link).query)["pt"][0].split(",")
    assert abs(float(lon_text) - lon) <= 5e-7 and abs(float(lat_text) - lat) <= 5e-7


@given(st.text())
def test_any_address_survives_encoding(address):
    link = map_link(address, None, None)
    cleaned = " ".join(address.split())
    if not cleaned:
        assert link is None
    else:
        assert link is not None
        assert parse_qs(urlsplit(link).query, keep_blank_values=True)["text"] == [cleaned]
