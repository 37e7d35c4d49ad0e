"""Address suggestions from DaData (`POST suggest/address`), see docs/protocols.md, DaData.

Suggestions are a convenience while typing: every failure (quota exhausted, bad key, network,
timeout, a body we cannot read) becomes an empty list and one log line. The query is personal
data (often a client's home address) and the key is a secret, so neither is ever logged; nor
is the response body, whose quota message quotes the token.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import httpx

from core.domain import AddressSuggestion
from core.maps import valid_coordinates

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
MIN_QUERY = 3  # DaData answers shorter queries too, but with noise, and each call is quota
MAX_QUERY = 300  # no address is longer; such input is pasted text, not worth a request
MAX_COUNT = 20  # the API's own cap on `count`
LANGUAGES = frozenset({"ru", "en"})


class HttpDaDataSuggester:
    """`core.ports.AddressSuggester` over DaData's suggestions API with a shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 3.0,
    ) -> None:
        self._client = client
        self._url = f"{base_url.rstrip('/')}/suggest/address"
        self._headers = {"Authorization": f"Token {api_key}", "Accept": "application/json"}
        self._timeout = timeout

    async def suggest(self, query: str, language: str, limit: int = 5) -> list[AddressSuggestion]:
        """Up to `limit` (at most 20) addresses; [] for short queries without asking DaData."""
        text = " ".join(query.split())
        if not MIN_QUERY <= len(text) <= MAX_QUERY or limit < 1:
            return []
        body = {"query": text, "count": min(limit, MAX_COUNT), "language": _language(language)}
        payload = await self._post(body)
        if payload is None:
            return []
        suggestions = parse_suggestions(payload)
        if suggestions is None:
            log.warning("DaData suggest failed: unexpected response shape")
            return []
        return suggestions

    async def _post(self, body: dict[str, Any]) -> Any | None:
        """The decoded JSON of a 200 answer, or None (logged) for anything else."""
        try:
            response = await self._client.post(
                self._url, json=body, headers=self._headers, timeout=self._timeout
            )
        except httpx.HTTPError as error:
            # The type only: an httpx message can carry the URL and, for some errors, the body.
            log.warning("DaData suggest failed: %s", type(error).__name__)
            return None
        if response.status_code != httpx.codes.OK:
            log.warning("DaData suggest failed: HTTP %s", response.status_code)
            return None
        try:
            return response.json()
        except ValueError as error:
            log.warning("DaData suggest failed: HTTP 200 with %s", type(error).__name__)
            return None


def _language(language: str) -> str:
    """`en`, `en-US`, `EN_gb` -> `en`; DaData knows only Russian and English, Russian default."""
    code = language.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else "ru"


def parse_suggestions(payload: Any) -> list[AddressSuggestion] | None:
    """`{"suggestions": [...]}` into suggestions; None when the shape is not DaData's.

    Single odd items (no `value`) are skipped rather than failing the whole answer.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("suggestions"), list):
        return None
    found: list[AddressSuggestion] = []
    for item in payload["suggestions"]:
        if not isinstance(item, dict):
            continue
        value = item.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        data = item.get("data")
        lat, lon = _coordinates(data) if isinstance(data, dict) else (None, None)
        found.append(AddressSuggestion(value.strip(), lat, lon))
    return found


def _coordinates(data: dict[str, Any]) -> tuple[float | None, float | None]:
    """`geo_lat` / `geo_lon` are strings (`"55.8783675"`) or null; both or neither."""
    lat, lon = _degrees(data.get("geo_lat")), _degrees(data.get("geo_lon"))
    if lat is None or lon is None or not valid_coordinates(lat, lon):
        return None, None
    return lat, lon


def _degrees(raw: Any) -> float | None:
    # Numbers are accepted too: other DaData endpoints (postal units) send them unquoted.
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
