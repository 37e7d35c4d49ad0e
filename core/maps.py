"""Links that open Yandex Maps (no key needed): a placemark, an address search, a route.

Yandex is inconsistent about coordinate order and getting it wrong silently lands the pin in
another hemisphere: `pt` and `ll` take longitude first, `rtext` takes latitude first.
"""

from __future__ import annotations

import math
from urllib.parse import quote

MAPS_BASE = "https://yandex.ru/maps/"
PLACEMARK_ZOOM = 17


def valid_coordinates(latitude: float, longitude: float) -> bool:
    """Finite, latitude within ±90 and longitude within ±180."""
    return (
        math.isfinite(latitude)
        and math.isfinite(longitude)
        and -90.0 <= latitude <= 90.0
        and -180.0 <= longitude <= 180.0
    )


def format_degrees(value: float) -> str:
    """Six decimals (about 10 cm) and never exponent notation, which Yandex does not read."""
    text = f"{value:.6f}"
    return "0.000000" if text == "-0.000000" else text


def lon_lat(latitude: float, longitude: float) -> str:
    """`<lon>,<lat>`, the order of `pt` and `ll` in map links and the Static API."""
    return f"{format_degrees(longitude)},{format_degrees(latitude)}"


def map_link(address: str | None, latitude: float | None, longitude: float | None) -> str | None:
    """A placemark when the coordinates are known and valid, else an address search, else None.

    Invalid coordinates are treated as unknown rather than raising: this renders stored data,
    and an address search is still useful to the person reading the card.
    """
    if latitude is not None and longitude is not None and valid_coordinates(latitude, longitude):
        return f"{MAPS_BASE}?pt={lon_lat(latitude, longitude)}&z={PLACEMARK_ZOOM}&l=map"
    text = " ".join((address or "").split())
    if not text:
        return None
    # safe="" so that `&`, `=`, `#`, `?` and `,` inside an address cannot break the query.
    return f"{MAPS_BASE}?text={quote(text, safe='')}"
